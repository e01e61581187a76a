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
        letter.signature().forEach(line -> md.append(line).append("  \n"));
        return md.toString();
    }

    /**
     * The sender's checklist for a letter: for the clinic, never sent with it. Documentation still to obtain, what to
     * confirm before sending (claims that rest only on a patient guide or an unconfirmed rule), and which chart record
     * each enclosure is.
     */
    public static String checklist(Letter letter) {
        StringBuilder md = new StringBuilder();
        md.append("# Sender's checklist: ").append(letter.title()).append("\n\n");
        md.append("For the clinic. Not part of the letter and not sent with it.\n\n");
        if (!letter.missing().isEmpty()) {
            md.append("## Documentation still to obtain\n\n");
            letter.missing().forEach(m -> md.append("- [ ] ").append(m.item()).append(" (").append(m.howToObtain()).append(")\n"));
            md.append("\n");
        }
        if (!letter.checklist().isEmpty()) {
            md.append("## Confirm before sending\n\n");
            letter.checklist().forEach(c -> md.append("- [ ] ").append(c).append("\n"));
            md.append("\n");
        }
        if (!letter.records().isEmpty()) {
            md.append("## Enclosures and the chart records they are\n\n");
            letter.records().forEach(r -> md.append("- ").append(r.enclosure()).append(": ").append(r.reference()).append("\n"));
            md.append("\n");
        }
        md.append("- [ ] Sign the letter\n");
        return md.toString();
    }
}
