package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.overturn.platform.InternalMarks;

/**
 * Scans every document the suite generates for a reader outside the clinic (letters, appeal letters, external-review
 * packets, fax packets, patient summaries) for the internal marks of {@link InternalMarks}: knowledge and seed file
 * names, verification marks, raw resource ids. The sender's checklist (an attachment titled as one) is for the clinic
 * and is not scanned. The contracts call it wherever they read a generated document.
 */
final class PayerFacingScan {
    private PayerFacingScan() {}

    /** Fails on any internal mark in any attachment of {@code doc} that is not the sender's checklist. */
    static void document(JsonNode doc) {
        String id = doc.path("resourceType").asText() + " " + doc.path("description").asText();
        for (JsonNode content : doc.path("content")) {
            JsonNode attachment = content.path("attachment");
            if (attachment.path("title").asText().toLowerCase(java.util.Locale.ROOT).contains("checklist")) {
                continue;
            }
            byte[] data = Base64.getDecoder().decode(attachment.path("data").asText());
            String type = attachment.path("contentType").asText();
            String text = type.equals("application/pdf") ? pdfText(data) : new String(data, StandardCharsets.UTF_8);
            text(id + " (" + type + ")", text);
        }
    }

    /** The sender's checklist beside a generated document: for the clinic, not sent. */
    static String checklist(JsonNode doc) {
        for (JsonNode content : doc.path("content")) {
            if (content.path("attachment").path("title").asText().contains("checklist")) {
                return new String(Base64.getDecoder().decode(content.path("attachment").path("data").asText()), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no sender's checklist beside " + doc.path("id").asText());
    }

    static void text(String what, String text) {
        assertThat(InternalMarks.findAll(text)).as("internal marks in %s", what).isEmpty();
    }

    static String pdfText(byte[] pdf) {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            return new PDFTextStripper().getText(doc).replaceAll("\\s+", " ");
        } catch (IOException e) {
            throw new AssertionError("not a PDF", e);
        }
    }
}
