package org.overturn.letter;

/** Renders a letter as Markdown, citations as bracketed references after each statement. */
public final class MarkdownRenderer {
    private MarkdownRenderer() {}

    /** The items of a rendered letter's "Enclosures" list, in order (what a packet sends with the letter). */
    public static java.util.List<String> enclosures(String markdown) {
        java.util.List<String> items = new java.util.ArrayList<>();
        boolean inList = false;
        for (String line : markdown.split("\n")) {
            if (line.equals("## Enclosures")) {
                inList = true;
            } else if (inList && line.startsWith("- ")) {
                items.add(line.substring(2).trim());
            } else if (inList && (line.startsWith("#") || (line.isBlank() && !items.isEmpty()))) {
                break;
            }
        }
        return items;
    }

    static String render(Letter letter) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(letter.title()).append("\n\n");
        md.append(letter.date()).append("\n\n");
        letter.addressee().forEach(line -> md.append(line).append("  \n"));
        md.append("\n");
        letter.regarding().forEach(line -> md.append("**").append(line).append("**  \n"));
        md.append("\n").append(letter.salutation()).append("\n\n");
        for (Letter.Section section : letter.sections()) {
            md.append("## ").append(section.heading()).append("\n\n");
            for (Letter.Statement s : section.statements()) {
                md.append(s.text());
                if (!s.citations().isEmpty()) {
                    md.append(" [").append(String.join("; ", s.citations())).append("]");
                }
                md.append("\n\n");
            }
        }
        if (!letter.enclosures().isEmpty()) {
            md.append("## Enclosures\n\n");
            letter.enclosures().forEach(e -> md.append("- ").append(e).append("\n"));
            md.append("\n");
        }
        if (!letter.missing().isEmpty()) {
            md.append("## Before sending: documentation still to obtain\n\n");
            letter.missing().forEach(m -> md.append("- [ ] ").append(m.item()).append(" (").append(m.howToObtain()).append(")\n"));
            md.append("\n");
        }
        letter.signature().forEach(line -> md.append(line).append("  \n"));
        return md.toString();
    }
}
