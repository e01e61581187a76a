package org.overturn.letter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;
import org.overturn.store.WriteResult;

/** DocumentReference/$render-pdf against a store of one edited letter: what it writes, and when it writes nothing. */
class LetterPdfServiceTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T10:00:00Z"), ZoneOffset.UTC);
    private static final String MARKDOWN = "# Appeal letter\n\nMarch 2, 2026\n\nDear reviewer,\n\n## Why\n\nAn edited reason.\n";

    /** The ifMatch of each update, and what it stored; {@code concurrent} makes every update lose to another write. */
    private final List<Long> ifMatches = new ArrayList<>();
    private final List<DocumentReference> written = new ArrayList<>();

    private ResourceStore storeOf(DocumentReference doc, long version, boolean concurrent) {
        return (ResourceStore) Proxy.newProxyInstance(ResourceStore.class.getClassLoader(), new Class<?>[] {ResourceStore.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "read" -> {
                        DocumentReference copy = doc.copy();
                        copy.setId(new IdType("DocumentReference", "7", String.valueOf(version)));
                        yield new StoredResource("DocumentReference", "7", version, Instant.EPOCH, false, copy);
                    }
                    case "update" -> {
                        if (concurrent) {
                            throw new OverturnException(ErrorCode.VERSION_MISMATCH, "If-Match expected another version");
                        }
                        ifMatches.add((Long) args[3]);
                        written.add((DocumentReference) args[2]);
                        yield new WriteResult(new StoredResource("DocumentReference", "7", version + 1, Instant.EPOCH, false,
                                (DocumentReference) args[2]), WriteResult.Kind.UPDATED);
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static DocumentReference edited() {
        DocumentReference doc = new DocumentReference();
        doc.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
        doc.setSubject(new Reference("Patient/1"));
        doc.setDescription("Appeal letter");
        doc.addContent().getAttachment().setContentType("text/markdown").setTitle("Appeal letter (Markdown)")
                .setData(MARKDOWN.getBytes(StandardCharsets.UTF_8));
        doc.addContent().getAttachment().setContentType("text/markdown").setTitle(LetterDocuments.CHECKLIST_TITLE)
                .setData("# Checklist\n".getBytes(StandardCharsets.UTF_8));
        return doc;
    }

    @Test
    void renderWhenPdfDroppedThenNextVersionWithPdfOfTheMarkdownAgainstTheVersionRead() {
        DocumentReference stored = new LetterPdfService(storeOf(edited(), 2, false), CLOCK).render("7");

        assertThat(ifMatches).containsExactly(2L);
        var pdf = stored.getContent().stream().map(c -> c.getAttachment())
                .filter(a -> "application/pdf".equals(a.getContentType())).toList();
        assertThat(pdf).hasSize(1);
        assertThat(pdf.get(0).getTitle()).isEqualTo("Appeal letter (PDF)");
        assertThat(new String(pdf.get(0).getData(), 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
        assertThat(pdf.get(0).getExtensionByUrl(LetterPdfService.RENDERED_FROM)).isNotNull();
        assertThat(stored.getContent()).extracting(c -> c.getAttachment().getTitle())
                .containsExactly("Appeal letter (Markdown)", "Appeal letter (PDF)", LetterDocuments.CHECKLIST_TITLE);
    }

    @Test
    void renderWhenPdfAlreadyDrawnFromThisMarkdownThenNothingIsWritten() {
        DocumentReference doc = edited();
        var pdf = doc.addContent().getAttachment().setContentType("application/pdf").setData(new byte[] {1});
        LetterPdfService.markRenderedFrom(pdf, MARKDOWN.getBytes(StandardCharsets.UTF_8));

        DocumentReference answered = new LetterPdfService(storeOf(doc, 3, false), CLOCK).render("7");

        assertThat(written).isEmpty();
        assertThat(answered.getIdElement().getVersionIdPart()).isEqualTo("3");
    }

    @Test
    void renderWhenStalePdfBesideChangedMarkdownThenItIsReplaced() {
        DocumentReference doc = edited();
        var pdf = doc.addContent().getAttachment().setContentType("application/pdf").setData(new byte[] {1});
        LetterPdfService.markRenderedFrom(pdf, "# The text before the edit\n".getBytes(StandardCharsets.UTF_8));

        DocumentReference stored = new LetterPdfService(storeOf(doc, 3, false), CLOCK).render("7");

        var pdfs = stored.getContent().stream().map(c -> c.getAttachment()).filter(a -> "application/pdf".equals(a.getContentType())).toList();
        assertThat(pdfs).hasSize(1);
        assertThat(pdfs.get(0).getData().length).isGreaterThan(1);
        assertThat(pdfs.get(0).getExtension()).hasSize(1);
    }

    @Test
    void renderWhenAnotherWriteCameFirstThenConcurrentWrite() {
        OverturnException e = catchThrowableOfType(OverturnException.class,
                () -> new LetterPdfService(storeOf(edited(), 2, true), CLOCK).render("7"));

        assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_WRITE);
        assertThat(e.getMessage()).contains("DocumentReference/7").contains("$render-pdf");
    }

    @Test
    void renderWhenNoMarkdownOrAFaxPacketThenRefused() {
        DocumentReference checklistOnly = edited();
        checklistOnly.getContent().remove(0);
        DocumentReference packet = edited();
        packet.setType(CaseDocuments.Kind.FAX_PACKET.type());

        assertThat(catchThrowableOfType(OverturnException.class,
                () -> new LetterPdfService(storeOf(checklistOnly, 1, false), CLOCK).render("7")).code())
                .isEqualTo(ErrorCode.INVALID_RESOURCE);
        assertThat(catchThrowableOfType(OverturnException.class,
                () -> new LetterPdfService(storeOf(packet, 1, false), CLOCK).render("7")).code())
                .isEqualTo(ErrorCode.BUSINESS_RULE);
        assertThat(written).isEmpty();
    }
}
