package org.overturn.letter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a letter's Markdown back for $render-pdf: a rendered letter reads back whole, an edited one as edited. */
class MarkdownLetterTest {
    private static final Letter LETTER = new Letter(
            "Letter of medical necessity: alectinib",
            "March 2, 2026",
            List.of("Utilization Management", "Example Health Plan", "PO Box 100"),
            List.of("Re: Test Patient, DOB 1970-01-01", "Member ID: XZ-0001"),
            "Dear Medical Director,",
            List.of(
                    new Letter.Section("Clinical summary", List.of(
                            new Letter.Statement("The patient has ALK-positive NSCLC.", List.of("ALK test report, enclosure 1")),
                            new Letter.Statement("No prior ALK inhibitor was given.", List.of()))),
                    new Letter.Section("Request", List.of(
                            new Letter.Statement("Please approve alectinib 600 mg twice daily.",
                                    List.of("FDA label: Alecensa", "NCCN NSCLC v3.2026"))))),
            List.of("ALK test report", "FDA label: Alecensa"),
            List.of(),
            List.of("Dr. Example Prescriber, MD", "NPI 0000000000"));

    @Test
    void readWhenRenderedLetterThenTheSameLetterAndTheSamePdfLayout() {
        Letter read = MarkdownLetter.read(MarkdownRenderer.render(LETTER), "fallback");

        assertThat(read).isEqualTo(LETTER);
        assertThat(PdfRenderer.html(read)).isEqualTo(PdfRenderer.html(LETTER));
    }

    @Test
    void readWhenRenderedWithoutRegardingOrEnclosuresThenTheSameLetter() {
        Letter bare = new Letter(LETTER.title(), LETTER.date(), LETTER.addressee(), List.of(), LETTER.salutation(),
                LETTER.sections(), List.of(), List.of(), LETTER.signature());

        assertThat(MarkdownLetter.read(MarkdownRenderer.render(bare), "fallback")).isEqualTo(bare);
    }

    @Test
    void readWhenEditedThenTheEditIsAStatementAndNothingIsLost() {
        String edited = MarkdownRenderer.render(LETTER)
                .replace("No prior ALK inhibitor was given.", "No prior ALK inhibitor was given.\nShe declined crizotinib in 2025.")
                .replace("## Request", "An added paragraph without a heading.\n\n## Request");

        Letter read = MarkdownLetter.read(edited, "fallback");

        List<Letter.Statement> summary = read.sections().get(0).statements();
        assertThat(summary).extracting(Letter.Statement::text).containsExactly("The patient has ALK-positive NSCLC.",
                "No prior ALK inhibitor was given. She declined crizotinib in 2025.", "An added paragraph without a heading.");
        assertThat(read.sections().get(1).statements().get(0).citations()).containsExactly("FDA label: Alecensa", "NCCN NSCLC v3.2026");
        assertThat(read.signature()).isEqualTo(LETTER.signature());
    }

    @Test
    void readWhenPlainTextWithoutLayoutThenItIsKeptUnderTheFallbackTitle() {
        Letter read = MarkdownLetter.read("Just one paragraph.\n\nAnd another.", "Edited letter");

        assertThat(read.title()).isEqualTo("Edited letter");
        assertThat(read.sections()).flatExtracting(Letter.Section::statements).extracting(Letter.Statement::text)
                .containsExactly("Just one paragraph.", "And another.");
        assertThat(new String(PdfRenderer.render(read), 0, 5, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
    }
}
