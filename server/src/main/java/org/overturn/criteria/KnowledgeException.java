package org.overturn.criteria;

import java.util.List;

/** The knowledge files are inconsistent; the message lists every problem, one per line. */
public final class KnowledgeException extends RuntimeException {
    private final List<String> problems;

    public KnowledgeException(List<String> problems) {
        super("The knowledge files are inconsistent; fix these and start again:\n - " + String.join("\n - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
