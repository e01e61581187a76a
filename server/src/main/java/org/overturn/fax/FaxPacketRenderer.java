package org.overturn.fax;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.multipdf.PDFMergerUtility;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.overturn.letter.PdfRenderer;
import org.jspecify.annotations.Nullable;

/**
 * Lays out the fax packet: the cover sheet (with the page count and where each part starts), the letter's own PDF as
 * stored, the PA questionnaire response, the enclosure list with each chart record, then the PDF reports the records
 * carry. Every page is stamped "page n of N" with the member ID, as a fax is read page by page.
 */
final class FaxPacketRenderer {
    private FaxPacketRenderer() {}

    /** What the cover sheet says; {@code toFax} is the number or the sentence saying it is unknown and where to find it. */
    record Cover(
            String date,
            String toName,
            String toDepartment,
            String toFax,
            @Nullable String toPhone,
            List<String> from,
            String patient,
            @Nullable String birthDate,
            String memberId,
            String regarding,
            String message) {}

    /** One enclosure of the letter, with the chart record it names when that record is on the server. */
    record Enclosure(String label, EnclosureSummary.@Nullable Summary record) {}

    /** A part of the packet and its pages (1-based, inclusive). */
    record Part(String name, int firstPage, int lastPage) {}

    record Rendered(byte[] pdf, int pages, List<Part> parts) {}

    static final String CONFIDENTIALITY = "CONFIDENTIALITY NOTICE: This facsimile contains protected health information that is"
            + " confidential and privileged. It is intended only for the use of the recipient named above, to review a request"
            + " for coverage. If you are not the intended recipient, any review, disclosure, copying or distribution is"
            + " prohibited: please notify the sender at once by telephone and destroy every page.";

    static Rendered render(Cover cover, String letterName, byte[] letterPdf, @Nullable QuestionnaireResponse questionnaire,
            List<Enclosure> enclosures) {
        List<byte[]> parts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        parts.add(letterPdf);
        names.add(letterName);
        if (questionnaire != null) {
            parts.add(PdfRenderer.renderHtml(questionnaireHtml(questionnaire)));
            names.add("Prior authorization questionnaire (pre-filled from the chart)");
        }
        if (!enclosures.isEmpty()) {
            parts.add(PdfRenderer.renderHtml(enclosuresHtml(enclosures)));
            names.add("Enclosures: list and chart records");
        }
        int report = 0;
        for (Enclosure e : enclosures) {
            if (e.record() != null) {
                for (byte[] pdf : e.record().pdfs()) {
                    parts.add(pdf);
                    names.add("Attached report " + (++report) + ": " + e.record().title());
                }
            }
        }
        List<Integer> counts = parts.stream().map(FaxPacketRenderer::pages).toList();
        int rest = counts.stream().mapToInt(Integer::intValue).sum();
        // The cover states the total, which includes the cover itself: lay it out until its own length is stable.
        int coverPages = 1;
        byte[] coverPdf = null;
        List<Part> layout = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            layout = new ArrayList<>();
            layout.add(new Part("Fax cover sheet", 1, coverPages));
            int next = coverPages + 1;
            for (int i = 0; i < parts.size(); i++) {
                layout.add(new Part(names.get(i), next, next + counts.get(i) - 1));
                next += counts.get(i);
            }
            coverPdf = PdfRenderer.renderHtml(coverHtml(cover, coverPages + rest, layout));
            int actual = pages(coverPdf);
            if (actual == coverPages) {
                break;
            }
            coverPages = actual;
        }
        List<byte[]> all = new ArrayList<>();
        all.add(coverPdf);
        all.addAll(parts);
        return new Rendered(merge(all, cover.memberId()), coverPages + rest, Objects.requireNonNull(layout, "laid out at least once"));
    }

    static int pages(byte[] pdf) {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            return doc.getNumberOfPages();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends the parts in order and stamps each page; the sources stay open until the packet is saved. */
    private static byte[] merge(List<byte[]> parts, String memberId) {
        List<PDDocument> sources = new ArrayList<>();
        try (PDDocument packet = new PDDocument()) {
            PDFMergerUtility merger = new PDFMergerUtility();
            for (byte[] part : parts) {
                PDDocument source = Loader.loadPDF(part);
                sources.add(source);
                merger.appendDocument(packet, source);
            }
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            int total = packet.getNumberOfPages();
            int n = 0;
            for (PDPage page : packet.getPages()) {
                n++;
                try (PDPageContentStream stamp = new PDPageContentStream(packet, page, PDPageContentStream.AppendMode.APPEND, true, true)) {
                    stamp.beginText();
                    stamp.setFont(font, 8);
                    stamp.newLineAtOffset(page.getMediaBox().getWidth() - 230, page.getMediaBox().getHeight() - 16);
                    stamp.showText(ascii("Member ID " + memberId + " - fax page " + n + " of " + total));
                    stamp.endText();
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            packet.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (PDDocument source : sources) {
                try {
                    source.close();
                } catch (IOException ignored) {
                    // closing a read-only source cannot lose data
                }
            }
        }
    }

    private static String ascii(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(c >= 32 && c < 127 ? c : '?');
        }
        return out.toString();
    }

    private static final String STYLE = "<style>"
            + "@page { size: letter; margin: 22mm 20mm 20mm 22mm; }"
            + "body { font-family: Helvetica, sans-serif; font-size: 10.5pt; line-height: 1.3; color: #111; }"
            + "h1 { font-size: 26pt; margin: 0 0 2mm 0; letter-spacing: 2pt; } h2 { font-size: 12pt; margin: 5mm 0 2mm 0;"
            + " border-bottom: 0.5pt solid #999; } table { width: 100%; border-collapse: collapse; }"
            + "td { padding: 1.5mm 2mm; vertical-align: top; border-bottom: 0.4pt solid #ccc; } td.k { width: 32mm; font-weight: bold; }"
            + ".notice { border: 0.8pt solid #000; padding: 3mm; margin-top: 6mm; font-size: 9pt; }"
            + ".rec { margin: 0 0 4mm 0; } .rec h3 { font-size: 10.5pt; margin: 3mm 0 1mm 0; } .small { font-size: 9pt; color: #333; }"
            + "</style>";

    static String coverHtml(Cover c, int total, List<Part> layout) {
        StringBuilder h = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"UTF-8\"/><title>Fax cover sheet</title>")
                .append(STYLE).append("</head><body><h1>FAX</h1><p class=\"small\">Prior authorization request</p><table>");
        row(h, "Date", c.date());
        row(h, "To", c.toName() + ", " + c.toDepartment());
        row(h, "Fax", c.toFax());
        if (c.toPhone() != null) {
            row(h, "Phone", c.toPhone());
        }
        row(h, "From", String.join("\n", c.from()));
        row(h, "Patient", c.patient() + (c.birthDate() == null ? "" : ", DOB " + c.birthDate()));
        row(h, "Member ID", c.memberId());
        row(h, "Re", c.regarding());
        row(h, "Pages", total + " including this cover sheet");
        h.append("</table><h2>Contents</h2><table>");
        for (Part p : layout) {
            row(h, p.firstPage() == p.lastPage() ? "Page " + p.firstPage() : "Pages " + p.firstPage() + "-" + p.lastPage(), p.name());
        }
        h.append("</table><p>").append(PdfRenderer.esc(c.message())).append("</p>");
        h.append("<div class=\"notice\">").append(PdfRenderer.esc(CONFIDENTIALITY)).append("</div></body></html>");
        return h.toString();
    }

    static String questionnaireHtml(QuestionnaireResponse qr) {
        StringBuilder h = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"UTF-8\"/><title>PA questionnaire</title>")
                .append(STYLE).append("</head><body><h2>Prior authorization questionnaire (pre-filled from the chart)</h2>")
                .append("<p class=\"small\">").append(PdfRenderer.esc((qr.hasQuestionnaire() ? qr.getQuestionnaire() + "; " : "")
                        + "status " + (qr.hasStatus() ? qr.getStatus().toCode() : "unknown")
                        + ". Items without an answer are not in the chart and are to be completed by the practice."))
                .append("</p><table>");
        items(h, qr.getItem(), "");
        return h.append("</table></body></html>").toString();
    }

    private static void items(StringBuilder h, List<QuestionnaireResponse.QuestionnaireResponseItemComponent> items, String indent) {
        for (QuestionnaireResponse.QuestionnaireResponseItemComponent item : items) {
            String question = indent + (item.hasText() ? item.getText() : item.getLinkId());
            if (item.hasItem() && !item.hasAnswer()) {
                row(h, question, "");
                items(h, item.getItem(), indent + "  ");
                continue;
            }
            List<String> answers = item.getAnswer().stream().map(a -> EnclosureSummary.value(a.getValue())).filter(v -> v != null).toList();
            row(h, question, answers.isEmpty() ? "(not answered)" : String.join("; ", answers));
        }
    }

    static String enclosuresHtml(List<Enclosure> enclosures) {
        StringBuilder h = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"UTF-8\"/><title>Enclosures</title>")
                .append(STYLE).append("</head><body><h2>Enclosures, in the order the letter lists them</h2><table>");
        int n = 0;
        for (Enclosure e : enclosures) {
            String where = e.record() != null ? "enclosed below" + (e.record().pdfs().isEmpty() ? "" : ", with its report attached")
                    : e.label().startsWith("REQUIRED") ? "NOT ENCLOSED: still to obtain" : "not in this packet: the sender adds it";
            row(h, "Enclosure " + (++n), e.label() + "\n" + where);
        }
        h.append("</table>");
        n = 0;
        for (Enclosure e : enclosures) {
            n++;
            if (e.record() == null) {
                continue;
            }
            h.append("<div class=\"rec\"><h3>Enclosure ").append(n).append(": ").append(PdfRenderer.esc(e.record().title()))
                    .append("</h3><table>");
            e.record().lines().forEach(l -> row(h, l.label(), l.value()));
            h.append("</table></div>");
        }
        return h.append("</body></html>").toString();
    }

    private static void row(StringBuilder h, String key, String value) {
        h.append("<tr><td class=\"k\">").append(PdfRenderer.esc(key)).append("</td><td>")
                .append(PdfRenderer.esc(value).replace("\n", "<br/>")).append("</td></tr>");
    }
}
