package org.overturn.letter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Date;
import java.util.Optional;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Extension;
import org.overturn.platform.Canonical;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;

/**
 * DocumentReference/$render-pdf: after a clinician edits a letter's Markdown (a new version without the PDF), draws
 * the PDF of that Markdown with the letters' renderer and stores it as the next version of the DocumentReference.
 */
public final class LetterPdfService {
    /**
     * On a PDF attachment: the SHA-1 of the Markdown bytes it was drawn from. An extension rather than a comparison of
     * {@code creation} dates or of the PDF's own {@code hash}: a client's PUT may keep a stale PDF beside changed
     * Markdown with any dates it likes, and the PDF's hash says nothing of its source, while a digest of the source
     * bytes matches only the very Markdown the PDF shows, without drawing it again.
     */
    public static final String RENDERED_FROM = Canonical.BASE + "/StructureDefinition/rendered-from-markdown";

    private final ResourceStore store;
    private final Clock clock;

    public LetterPdfService(ResourceStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The DocumentReference with a PDF of its current Markdown: stored as a new version unless it already had one. */
    public DocumentReference render(String id) {
        StoredResource current = store.read("DocumentReference", id);
        DocumentReference doc = (DocumentReference) current.content();
        String name = "DocumentReference/" + id;
        if (doc.getType().hasCoding(CaseDocuments.SYSTEM, CaseDocuments.Kind.FAX_PACKET.code())) {
            // its PDF is the packet (cover, letter, enclosures), not a drawing of the Markdown beside it (the checklist)
            throw new OverturnException(ErrorCode.BUSINESS_RULE, name + " is a fax packet: its PDF is assembled from the letter"
                    + " and the enclosures, not rendered from Markdown; build a new one with Claim/$fax-packet",
                    "DocumentReference.type");
        }
        Attachment markdown = letterMarkdown(doc).orElseThrow(() -> new OverturnException(ErrorCode.INVALID_RESOURCE,
                name + " has no text/markdown attachment with data to render as a PDF", "DocumentReference.content"));
        byte[] source = markdown.getData();
        byte[] digest = sha1(source);
        Optional<Attachment> pdf = attachment(doc, "application/pdf");
        if (pdf.isPresent() && pdf.get().hasData() && Arrays.equals(renderedFrom(pdf.get()), digest)) {
            return doc; // the stored PDF already shows this very Markdown
        }

        Letter letter = MarkdownLetter.read(new String(source, StandardCharsets.UTF_8), title(doc, markdown));
        byte[] rendered = PdfRenderer.render(letter);
        Date now = Date.from(clock.instant());
        Attachment target = pdf.orElseGet(() -> besideMarkdown(doc, markdown));
        target.setContentType("application/pdf").setTitle(pdfTitle(markdown, letter)).setData(rendered).setCreation(now)
                .setSize(rendered.length).setHash(sha1(rendered));
        target.getExtension().removeIf(e -> RENDERED_FROM.equals(e.getUrl()));
        markRenderedFrom(target, source);
        try {
            return (DocumentReference) store.update("DocumentReference", id, doc, current.version()).stored().content();
        } catch (OverturnException e) {
            if (e.code() == ErrorCode.VERSION_MISMATCH) {
                throw new OverturnException(ErrorCode.CONCURRENT_WRITE, name + " changed while its PDF was being rendered;"
                        + " read it again and call $render-pdf again", "DocumentReference", e);
            }
            throw e;
        }
    }

    /** A new attachment right after the Markdown's, where a generated letter has its PDF. */
    private static Attachment besideMarkdown(DocumentReference doc, Attachment markdown) {
        var content = new DocumentReference.DocumentReferenceContentComponent();
        int at = 0;
        while (at < doc.getContent().size() && doc.getContent().get(at).getAttachment() != markdown) {
            at++;
        }
        doc.getContent().add(Math.min(at + 1, doc.getContent().size()), content);
        return content.getAttachment();
    }

    /** Records on {@code pdf} the Markdown it was drawn from (see {@link #RENDERED_FROM}). */
    static void markRenderedFrom(Attachment pdf, byte[] markdown) {
        pdf.addExtension(new Extension(RENDERED_FROM, new Base64BinaryType(sha1(markdown))));
    }

    private static byte[] renderedFrom(Attachment pdf) {
        Extension e = pdf.getExtensionByUrl(RENDERED_FROM);
        return e != null && e.getValue() instanceof Base64BinaryType b && b.getValue() != null ? b.getValue() : new byte[0];
    }

    /** The letter's Markdown: the first Markdown attachment with data that is not the sender's checklist. */
    private static Optional<Attachment> letterMarkdown(DocumentReference doc) {
        return doc.getContent().stream().map(DocumentReference.DocumentReferenceContentComponent::getAttachment)
                .filter(a -> "text/markdown".equals(a.getContentType()) && a.hasData()
                        && !LetterDocuments.CHECKLIST_TITLE.equals(a.getTitle()))
                .findFirst();
    }

    private static Optional<Attachment> attachment(DocumentReference doc, String contentType) {
        return doc.getContent().stream().map(DocumentReference.DocumentReferenceContentComponent::getAttachment)
                .filter(a -> contentType.equals(a.getContentType())).findFirst();
    }

    private static String title(DocumentReference doc, Attachment markdown) {
        if (doc.hasDescription()) {
            return doc.getDescription();
        }
        return markdown.hasTitle() ? markdown.getTitle().replace(" (Markdown)", "") : "Letter";
    }

    /** The Markdown attachment's title, as the PDF's: "X (Markdown)" gives "X (PDF)", "x.md" gives "x.pdf". */
    private static String pdfTitle(Attachment markdown, Letter letter) {
        String title = markdown.hasTitle() ? markdown.getTitle() : letter.title() + " (Markdown)";
        if (title.endsWith(" (Markdown)")) {
            return title.substring(0, title.length() - " (Markdown)".length()) + " (PDF)";
        }
        return title.endsWith(".md") ? title.substring(0, title.length() - 3) + ".pdf" : title + ".pdf";
    }

    /** SHA-1, as FHIR's Attachment.hash is. */
    private static byte[] sha1(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }
}
