package org.overturn.letter;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a letter's Markdown, as {@link MarkdownRenderer} lays it out and a clinician then edits it, back into a
 * {@link Letter}, so that {@link PdfRenderer} draws the edited text with the look of a generated letter. Leniently:
 * what does not fit the layout (an added paragraph, a heading of another level) is kept as a statement, never dropped.
 * Reading a rendered letter gives back its title, date, addressee, regarding lines, salutation, sections, enclosures
 * and signature.
 */
final class MarkdownLetter {
    /** A statement's citations, as the renderer appends them: " [a; b]" at the end of the paragraph. */
    private static final Pattern CITATIONS = Pattern.compile("^(.*\\S)\\s+\\[([^\\[\\]]+)]$");
    private static final Pattern HEADING = Pattern.compile("^#{2,6}\\s+(.*)$");
    private static final String ENCLOSURES = "Enclosures";

    private MarkdownLetter() {}

    /** @param fallbackTitle the title when the Markdown has no {@code # } heading */
    static Letter read(String markdown, String fallbackTitle) {
        List<List<String>> blocks = blocks(markdown.replace("\r\n", "\n"));
        String title = fallbackTitle;
        if (!blocks.isEmpty() && blocks.get(0).get(0).startsWith("# ")) {
            List<String> first = blocks.remove(0);
            title = first.get(0).substring(2).trim();
            if (first.size() > 1) {
                blocks.add(0, first.subList(1, first.size()));
            }
        }
        List<List<String>> preamble = new ArrayList<>();
        while (!blocks.isEmpty() && !isHeading(blocks.get(0).get(0))) {
            preamble.add(blocks.remove(0));
        }
        // The signature is the closing block of hard-broken lines, as the renderer writes it after the last section.
        List<String> signature = List.of();
        if (!blocks.isEmpty() && isSignature(blocks.get(blocks.size() - 1))) {
            signature = lines(blocks.remove(blocks.size() - 1));
        }

        String date = "";
        List<String> addressee = new ArrayList<>();
        List<String> regarding = new ArrayList<>();
        String salutation = "";
        if (!preamble.isEmpty() && blocks.isEmpty() && signature.isEmpty()) {
            // No section at all: the whole text is one, so that nothing is lost.
            blocks.add(List.of("## "));
            blocks.addAll(preamble);
            preamble.clear();
        }
        if (preamble.size() > 1) {
            date = String.join(" ", lines(preamble.remove(0)));
        }
        if (!preamble.isEmpty()) {
            salutation = String.join(" ", lines(preamble.remove(preamble.size() - 1)));
        }
        for (List<String> block : preamble) {
            for (String line : lines(block)) {
                if (line.startsWith("**") && line.endsWith("**") && line.length() > 4) {
                    regarding.add(line.substring(2, line.length() - 2));
                } else {
                    addressee.add(line);
                }
            }
        }

        List<Letter.Section> sections = new ArrayList<>();
        List<String> enclosures = new ArrayList<>();
        String heading = null;
        List<Letter.Statement> statements = new ArrayList<>();
        for (List<String> block : blocks) {
            Matcher h = HEADING.matcher(block.get(0));
            if (h.matches()) {
                if (heading != null) {
                    sections.add(new Letter.Section(heading, statements));
                }
                heading = h.group(1).trim();
                statements = new ArrayList<>();
                if (block.size() > 1) {
                    block = block.subList(1, block.size());
                } else {
                    continue;
                }
            }
            if (ENCLOSURES.equals(heading) && block.stream().allMatch(l -> l.startsWith("- "))) {
                block.forEach(l -> enclosures.add(l.substring(2).trim()));
            } else {
                statements.add(statement(String.join(" ", lines(block))));
            }
        }
        if (heading != null && !(ENCLOSURES.equals(heading) && statements.isEmpty())) {
            sections.add(new Letter.Section(heading, statements));
        }
        return new Letter(title, date, addressee, regarding, salutation, sections, enclosures, List.of(), signature);
    }

    private static Letter.Statement statement(String paragraph) {
        Matcher m = CITATIONS.matcher(paragraph);
        if (m.matches()) {
            return new Letter.Statement(m.group(1), List.of(m.group(2).split(";\\s*")));
        }
        return new Letter.Statement(paragraph, List.of());
    }

    private static boolean isHeading(String line) {
        return HEADING.matcher(line).matches();
    }

    private static boolean isSignature(List<String> block) {
        return !isHeading(block.get(0)) && block.get(0).endsWith("  ") && block.stream().noneMatch(l -> l.startsWith("- "));
    }

    /** Paragraphs: runs of non-blank lines, as written (hard breaks, two trailing spaces, still on them). */
    private static List<List<String>> blocks(String markdown) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String line : markdown.split("\n")) {
            if (line.isBlank()) {
                if (!current.isEmpty()) {
                    blocks.add(current);
                    current = new ArrayList<>();
                }
            } else if (isHeading(line) && !current.isEmpty()) {
                blocks.add(current); // a heading starts a block even without a blank line before it
                current = new ArrayList<>(List.of(line));
            } else {
                current.add(line);
            }
        }
        if (!current.isEmpty()) {
            blocks.add(current);
        }
        return blocks;
    }

    private static List<String> lines(List<String> block) {
        return block.stream().map(String::strip).toList();
    }
}
