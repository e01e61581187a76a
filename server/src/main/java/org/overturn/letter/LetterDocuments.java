package org.overturn.letter;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Date;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Letter} as FHIR: a DocumentReference holding it as Markdown and PDF, and the Provenance that names what it
 * was built from. Nothing is stored here; the caller stores both in its own transaction.
 */
public final class LetterDocuments {
    /** The title of the sender's checklist attachment. */
    public static final String CHECKLIST_TITLE = "Sender's checklist (for the clinic, not sent with the letter)";

    private LetterDocuments() {}

    /**
     * @param kind the document's type
     * @param related what the document is about, as references (e.g. "ClaimResponse/1", "Claim/2")
     */
    public static DocumentReference document(
            Letter composed, CaseDocuments.Kind kind, String subject, @Nullable String author, Collection<String> related, Date now) {
        Letter letter = LetterPublisher.publish(composed);
        return document(letter, MarkdownRenderer.render(letter), PdfRenderer.render(letter), kind, subject, author, related, now);
    }

    /** The same, for a letter already published and rendered (its caller also answers with the renderings). */
    static DocumentReference document(Letter letter, String markdown, byte[] pdf, CaseDocuments.Kind kind, String subject,
            @Nullable String author, Collection<String> related, Date now) {
        DocumentReference doc = new DocumentReference();
        doc.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
        doc.setDocStatus(DocumentReference.ReferredDocumentStatus.PRELIMINARY); // final once signed and sent
        doc.setType(kind.type());
        doc.addCategory(CaseDocuments.category());
        doc.setSubject(new Reference(subject));
        doc.setDate(now);
        doc.setDescription(letter.title());
        if (author != null) {
            doc.addAuthor(new Reference(author));
        }
        doc.addContent().getAttachment().setContentType("text/markdown").setTitle(letter.title() + " (Markdown)")
                .setData(markdown.getBytes(StandardCharsets.UTF_8)).setCreation(now);
        var pdfAttachment = doc.addContent().getAttachment().setContentType("application/pdf").setTitle(letter.title() + " (PDF)")
                .setData(pdf).setCreation(now);
        // drawn from the same letter as the Markdown: $render-pdf has nothing to do until the Markdown is edited
        LetterPdfService.markRenderedFrom(pdfAttachment, markdown.getBytes(StandardCharsets.UTF_8));
        addChecklist(doc, letter, now);
        related.forEach(r -> doc.getContext().addRelated(new Reference(r)));
        addRecords(doc, letter);
        return doc;
    }

    /** The sender's checklist, as a third attachment titled as one: for the clinic, not sent with the letter. */
    private static void addChecklist(DocumentReference doc, Letter letter, Date now) {
        doc.addContent().getAttachment().setContentType("text/markdown").setTitle(CHECKLIST_TITLE)
                .setData(MarkdownRenderer.checklist(letter).getBytes(StandardCharsets.UTF_8)).setCreation(now);
    }

    /** Each enclosure that is a chart record, as a related reference whose display is the enclosure's name. */
    private static void addRecords(DocumentReference doc, Letter letter) {
        letter.records().forEach(r -> doc.getContext().addRelated(new Reference(r.reference()).setDisplay(r.enclosure())));
    }

    /**
     * The Provenance of a generated document: the targets it describes, the sources it was built from, and the
     * knowledge it rests on as policy URIs.
     */
    public static Provenance provenance(Collection<String> targets, Collection<String> sources, Collection<String> policies, Date now) {
        Provenance provenance = new Provenance();
        targets.forEach(t -> provenance.addTarget(new Reference(t)));
        provenance.setRecorded(now);
        policies.forEach(provenance::addPolicy);
        var agent = provenance.addAgent();
        agent.setType(new CodeableConcept().addCoding(new Coding(
                "http://terminology.hl7.org/CodeSystem/provenance-participant-type", "assembler", "Assembler")));
        agent.setWho(new Reference().setDisplay("Overturn letter generator"));
        for (String source : sources) {
            provenance.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE).setWhat(new Reference(source));
        }
        return provenance;
    }
}
