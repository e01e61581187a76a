package org.overturn.letter;

import java.util.List;

/**
 * A letter as content, independent of format: every statement carries the citations it rests on (chart resource
 * references such as "Observation/12", or knowledge sources), so each fact can be traced. Composers write it with
 * internal citations; {@link LetterPublisher} turns it into what a reader outside the clinic sees (enclosures and
 * published sources by name), moving what is not fit to send to the sender's {@code checklist}.
 *
 * @param records the chart record behind each enclosure that is one ({@code enclosure text -> "Observation/12"}), for
 *     the fax packet and the Provenance; never rendered into the letter
 * @param checklist what the sender confirms before sending (claims resting only on a patient guide or an unconfirmed
 *     rule); rendered apart from the letter, never sent to the payer
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
        List<String> signature,
        List<Record> records,
        List<String> checklist) {

    public Letter {
        addressee = List.copyOf(addressee);
        regarding = List.copyOf(regarding);
        sections = List.copyOf(sections);
        enclosures = List.copyOf(enclosures);
        missing = List.copyOf(missing);
        signature = List.copyOf(signature);
        records = List.copyOf(records);
        checklist = List.copyOf(checklist);
    }

    public Letter(
            String title,
            String date,
            List<String> addressee,
            List<String> regarding,
            String salutation,
            List<Section> sections,
            List<String> enclosures,
            List<Missing> missing,
            List<String> signature) {
        this(title, date, addressee, regarding, salutation, sections, enclosures, missing, signature, List.of(), List.of());
    }

    public record Section(String heading, List<Statement> statements) {
        public Section {
            statements = List.copyOf(statements);
        }
    }

    /**
     * @param needsPublishedSource a fact from the literature: stated only with a published citation, else it goes to
     *     the sender's checklist
     */
    public record Statement(String text, List<String> citations, boolean needsPublishedSource) {
        public Statement {
            citations = List.copyOf(citations);
        }

        public Statement(String text, List<String> citations) {
            this(text, citations, false);
        }
    }

    /** Evidence the chart lacks: what to enclose and how to obtain it. */
    public record Missing(String item, String howToObtain) {}

    /** An enclosure that is a chart record: its text in the letter and the resource it is. */
    public record Record(String enclosure, String reference) {}
}
