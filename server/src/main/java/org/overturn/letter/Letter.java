package org.overturn.letter;

import java.util.List;

/**
 * A letter as content, independent of format: every statement carries the citations it rests on (chart resource
 * references such as "Observation/12", or knowledge sources), so each fact can be traced.
 */
public record Letter(
        String title,
        String date,
        List<String> addressee,
        List<String> regarding,
        String salutation,
        List<Section> sections,
        List<String> enclosures,
        List<Missing> missing,
        List<String> signature) {

    public Letter {
        addressee = List.copyOf(addressee);
        regarding = List.copyOf(regarding);
        sections = List.copyOf(sections);
        enclosures = List.copyOf(enclosures);
        missing = List.copyOf(missing);
        signature = List.copyOf(signature);
    }

    public record Section(String heading, List<Statement> statements) {
        public Section {
            statements = List.copyOf(statements);
        }
    }

    public record Statement(String text, List<String> citations) {
        public Statement {
            citations = List.copyOf(citations);
        }
    }

    /** Evidence the chart lacks: what to enclose and how to obtain it. */
    public record Missing(String item, String howToObtain) {}
}
