package org.overturn.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import jakarta.servlet.http.HttpServletResponse;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.IdType;
import org.overturn.letter.LetterPdfService;

/**
 * {@code POST /fhir/DocumentReference/{id}/$render-pdf} (no parameters): the PDF of the letter's current Markdown, as
 * the next version of the DocumentReference (the same one when its PDF already shows that Markdown).
 */
final class RenderPdfOperationProvider {
    private final LetterPdfService pdfs;

    RenderPdfOperationProvider(LetterPdfService pdfs) {
        this.pdfs = pdfs;
    }

    /** Answers the stored DocumentReference with its version's ETag, as a read or update of it would. */
    @Operation(name = "$render-pdf", type = DocumentReference.class)
    public DocumentReference renderPdf(@IdParam IdType documentId, HttpServletResponse response) {
        DocumentReference stored = pdfs.render(documentId.getIdPart());
        if (stored.getIdElement().hasVersionIdPart()) {
            response.setHeader("ETag", "W/\"" + stored.getIdElement().getVersionIdPart() + "\"");
        }
        return stored;
    }
}
