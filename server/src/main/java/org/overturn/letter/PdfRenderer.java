package org.overturn.letter;

import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Renders a letter as a PDF a physician can sign: letterhead-style header, dated, addressed, with footnoted
 * citations. HTML and CSS are laid out by openhtmltopdf; the PDF standard fonts are used.
 */
public final class PdfRenderer {
    private PdfRenderer() {}

    static byte[] render(Letter letter) {
        return renderHtml(html(letter));
    }

    /** Lays out one XHTML document (standard PDF fonts only; see {@link #esc}) as a PDF. */
    public static byte[] renderHtml(String html) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PdfRendererBuilder builder = new PdfRendererBuilder();
            builder.withHtmlContent(html, null);
            builder.toStream(out);
            builder.run();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String html(Letter letter) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html><head><meta charset=\"UTF-8\"/><title>").append(esc(letter.title())).append("</title>");
        h.append("<style>")
                .append("@page { size: letter; margin: 22mm 20mm 20mm 22mm; @bottom-center { content: 'Page ' counter(page) ' of ' counter(pages); font-family: Helvetica, sans-serif; font-size: 8pt; color: #555; } }")
                .append("body { font-family: 'Times New Roman', Times, serif; font-size: 11pt; line-height: 1.35; color: #111; }")
                .append("h1 { font-family: Helvetica, sans-serif; font-size: 15pt; margin: 0 0 4mm 0; }")
                .append("h2 { font-family: Helvetica, sans-serif; font-size: 11.5pt; margin: 5mm 0 1.5mm 0; border-bottom: 0.5pt solid #999; }")
                .append("p { margin: 0 0 2.2mm 0; } .date { margin-bottom: 5mm; } .block { margin-bottom: 4mm; }")
                .append(".re { font-weight: bold; } sup { font-size: 7pt; color: #444; }")
                .append(".notes { font-size: 8.5pt; color: #333; } .notes li { margin-bottom: 1mm; }")
                .append(".missing { border: 0.8pt solid #b00; padding: 2mm 3mm; margin-top: 4mm; } .missing h2 { color: #b00; border: none; margin-top: 0; }")
                .append(".signature { margin-top: 12mm; } .line { border-top: 0.6pt solid #000; width: 70mm; margin-top: 14mm; }")
                .append("</style></head><body>");
        h.append("<h1>").append(esc(letter.title())).append("</h1>");
        h.append("<p class=\"date\">").append(esc(letter.date())).append("</p>");
        h.append("<div class=\"block\">");
        letter.addressee().forEach(line -> h.append(esc(line)).append("<br/>"));
        h.append("</div><div class=\"block\">");
        letter.regarding().forEach(line -> h.append("<span class=\"re\">").append(esc(line)).append("</span><br/>"));
        h.append("</div><p>").append(esc(letter.salutation())).append("</p>");
        java.util.List<String> notes = new java.util.ArrayList<>();
        for (Letter.Section section : letter.sections()) {
            if (!section.heading().isEmpty()) { // an edited letter's text before any heading
                h.append("<h2>").append(esc(section.heading())).append("</h2>");
            }
            for (Letter.Statement s : section.statements()) {
                h.append("<p>").append(esc(s.text()));
                if (!s.citations().isEmpty()) {
                    notes.add(String.join("; ", s.citations()));
                    h.append("<sup>").append(notes.size()).append("</sup>");
                }
                h.append("</p>");
            }
        }
        if (!letter.enclosures().isEmpty()) {
            h.append("<h2>Enclosures</h2><ul>");
            letter.enclosures().forEach(e -> h.append("<li>").append(esc(e)).append("</li>"));
            h.append("</ul>");
        }
        h.append("<div class=\"signature\">");
        h.append("<div class=\"line\"></div>");
        letter.signature().forEach(line -> h.append(esc(line)).append("<br/>"));
        h.append("</div>");
        if (!notes.isEmpty()) {
            h.append("<h2>Sources</h2><ol class=\"notes\">");
            notes.forEach(n -> h.append("<li>").append(esc(n)).append("</li>"));
            h.append("</ol>");
        }
        h.append("</body></html>");
        return h.toString();
    }

    /** Escapes for XHTML and keeps to characters the PDF standard fonts can draw. */
    public static String esc(String s) {
        String plain = s.replace("\u2265", ">=").replace("\u2264", "<=").replace("\u2013", "-").replace("\u2014", "-")
                .replace("\u2018", "'").replace("\u2019", "'").replace("\u201c", "\"").replace("\u201d", "\"");
        StringBuilder out = new StringBuilder();
        for (char c : plain.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                default -> out.append(c < 256 ? String.valueOf(c) : "?");
            }
        }
        return out.toString();
    }
}
