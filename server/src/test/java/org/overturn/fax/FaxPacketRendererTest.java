package org.overturn.fax;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.text.PDFTextStripper;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.overturn.fax.FaxPacketRenderer.Cover;
import org.overturn.fax.FaxPacketRenderer.Enclosure;
import org.overturn.fax.FaxPacketRenderer.Part;
import org.overturn.fax.FaxPacketRenderer.Rendered;

/** The packet as the payer's fax machine prints it: a cover that counts every page and says where each part starts. */
class FaxPacketRendererTest {
    private static final String LETTER = "Letter of Medical Necessity";
    private static final String FAX = "(555) 010-0199";
    private static final String MEMBER = "EXM-000123";

    private static Cover cover(String payer, String message) {
        return new Cover("March 2, 2026", payer, "Prior Authorization", FAX, null,
                List.of("Dr. Alex Example, NPI 0000000000", "Example Oncology Clinic", "Callback phone: (555) 010-0100",
                        "Return fax: (555) 010-0101"),
                "Jordan Sample", "1970-01-01", MEMBER, "Letter of Medical Necessity: examplinib", message);
    }

    /** A PDF whose pages each carry one line of text, as a letter or a lab report arrives. */
    private static byte[] pdf(String... pages) throws IOException {
        try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            for (String text : pages) {
                PDPage page = new PDPage(PDRectangle.LETTER);
                doc.addPage(page);
                try (PDPageContentStream s = new PDPageContentStream(doc, page)) {
                    s.beginText();
                    s.setFont(font, 14);
                    s.newLineAtOffset(72, 600);
                    s.showText(text);
                    s.endText();
                }
            }
            doc.save(out);
            return out.toByteArray();
        }
    }

    /** The text of page {@code n} (1-based), whitespace collapsed. */
    private static String page(byte[] pdf, int n) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setStartPage(n);
            stripper.setEndPage(n);
            return stripper.getText(doc).replaceAll("\\s+", " ");
        }
    }

    private static Part part(Rendered r, String namePrefix) {
        return r.parts().stream().filter(p -> p.name().startsWith(namePrefix)).findFirst().orElseThrow();
    }

    private static QuestionnaireResponse questionnaire() {
        QuestionnaireResponse qr = new QuestionnaireResponse().setQuestionnaire("http://example.org/Questionnaire/pa-examplinib|1")
                .setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS);
        qr.addItem().setLinkId("patient-name").setText("Patient name").addAnswer().setValue(new StringType("Jordan Sample"));
        qr.addItem().setLinkId("urgent").setText("Is the request urgent?").addAnswer().setValue(new BooleanType(true));
        qr.addItem().setLinkId("ecog").setText("ECOG performance status");
        QuestionnaireResponse.QuestionnaireResponseItemComponent prior = qr.addItem().setLinkId("prior-therapy").setText("Prior therapy");
        prior.addItem().setLinkId("therapy-name").setText("Therapy").addAnswer().setValue(new StringType("exampletinib"));
        return qr;
    }

    @Test
    void renderWhenLetterQuestionnaireAndEnclosuresThenTheCoverCountsEveryPageAndEachPartIsWhereTheCoverSaysIs() throws IOException {
        DiagnosticReport report = new DiagnosticReport().setCode(new CodeableConcept().setText("Tumor genomic profile"));
        report.setId("dr1");
        report.addPresentedForm(new Attachment().setContentType("application/pdf").setTitle("Genomic profile report")
                .setData(pdf("REPORT BODY MARKER")));
        List<Enclosure> enclosures = List.of(
                new Enclosure("Tumor genomic profile (DiagnosticReport/dr1)", EnclosureSummary.of(report)),
                new Enclosure("REQUIRED: pathology report confirming the diagnosis", null),
                new Enclosure("Clinic notes from the last visit", null));

        Rendered r = FaxPacketRenderer.render(cover("Example Health Plan", "Please find enclosed the letter."), LETTER,
                pdf("LETTER PAGE ONE", "LETTER PAGE TWO"), questionnaire(), enclosures);

        assertThat(FaxPacketRenderer.pages(r.pdf())).isEqualTo(r.pages());
        assertThat(r.parts()).extracting(Part::name).containsExactly("Fax cover sheet", LETTER,
                "Prior authorization questionnaire (pre-filled from the chart)", "Enclosures: list and chart records",
                "Attached report 1: Report: Tumor genomic profile");
        // The parts follow each other without gap or overlap, from page 1 to the last page.
        assertThat(r.parts().get(0).firstPage()).isEqualTo(1);
        for (int i = 1; i < r.parts().size(); i++) {
            assertThat(r.parts().get(i).firstPage()).isEqualTo(r.parts().get(i - 1).lastPage() + 1);
        }
        assertThat(r.parts().get(r.parts().size() - 1).lastPage()).isEqualTo(r.pages());

        String cover = page(r.pdf(), 1);
        assertThat(cover).contains("Example Health Plan").contains(FAX).contains(MEMBER).contains("Jordan Sample, DOB 1970-01-01")
                .contains(r.pages() + " including this cover sheet").contains("CONFIDENTIALITY NOTICE");
        for (Part p : r.parts()) {
            String pages = p.firstPage() == p.lastPage() ? "Page " + p.firstPage() : "Pages " + p.firstPage() + "-" + p.lastPage();
            assertThat(cover).as("contents line of %s", p.name()).contains(pages + " " + p.name());
        }

        Part letter = part(r, LETTER);
        assertThat(letter.lastPage() - letter.firstPage() + 1).isEqualTo(2);
        assertThat(page(r.pdf(), letter.firstPage())).contains("LETTER PAGE ONE");
        assertThat(page(r.pdf(), letter.lastPage())).contains("LETTER PAGE TWO");
        assertThat(page(r.pdf(), part(r, "Attached report 1").firstPage())).contains("REPORT BODY MARKER");

        String questions = page(r.pdf(), part(r, "Prior authorization questionnaire").firstPage());
        assertThat(questions).contains("Patient name Jordan Sample").contains("Is the request urgent? yes")
                .contains("ECOG performance status (not answered)").contains("Therapy exampletinib");

        String list = page(r.pdf(), part(r, "Enclosures").firstPage());
        assertThat(list).contains("Tumor genomic profile (DiagnosticReport/dr1) enclosed below, with its report attached")
                .contains("REQUIRED: pathology report confirming the diagnosis NOT ENCLOSED: still to obtain")
                .contains("Clinic notes from the last visit not in this packet: the sender adds it")
                .contains("Enclosure 1: Report: Tumor genomic profile");

        for (int n = 1; n <= r.pages(); n++) {
            assertThat(page(r.pdf(), n)).as("stamp of page %d", n).contains("Member ID " + MEMBER + " - fax page " + n + " of " + r.pages());
        }
    }

    @Test
    void renderWhenTheCoverRunsOverAPageThenItsCountAndContentsIncludeItsOwnExtraPages() throws IOException {
        String longMessage = "Please call the sender with any question about this request, at the number above. ".repeat(150);

        Rendered r = FaxPacketRenderer.render(cover("Example Health Plan", longMessage), LETTER, pdf("LETTER PAGE ONE"), null, List.of());

        Part cover = r.parts().get(0);
        assertThat(cover.lastPage()).as("cover pages").isGreaterThanOrEqualTo(2);
        assertThat(FaxPacketRenderer.pages(r.pdf())).isEqualTo(r.pages()).isEqualTo(cover.lastPage() + 1);
        Part letter = part(r, LETTER);
        assertThat(letter.firstPage()).isEqualTo(cover.lastPage() + 1);
        assertThat(page(r.pdf(), letter.firstPage())).contains("LETTER PAGE ONE");
        assertThat(page(r.pdf(), 1)).contains(r.pages() + " including this cover sheet").contains("Page " + letter.firstPage() + " " + LETTER);
    }

    @Test
    void renderWhenOnlyALetterThenTheCoverAndTheLetterAndNothingElse() throws IOException {
        Rendered r = FaxPacketRenderer.render(cover("Example Health Plan", "Please find enclosed the letter."), LETTER,
                pdf("LETTER PAGE ONE"), null, List.of());

        assertThat(r.parts()).containsExactly(new Part("Fax cover sheet", 1, 1), new Part(LETTER, 2, 2));
        assertThat(r.pages()).isEqualTo(2);
        assertThat(page(r.pdf(), 1)).contains("2 including this cover sheet").doesNotContain("questionnaire").doesNotContain("Enclosures");
    }

    @Test
    void coverHtmlWhenFieldsHoldMarkupThenItIsEscapedAndAnUnknownPhoneIsLeftOut() {
        String html = FaxPacketRenderer.coverHtml(cover("Smith & Jones <Health>", "Call us \"today\"."), 3,
                List.of(new Part("Fax cover sheet", 1, 1), new Part(LETTER, 2, 3)));

        assertThat(html).contains("Smith &amp; Jones &lt;Health&gt;").doesNotContain("<Health>").contains("Call us &quot;today&quot;.");
        assertThat(html).doesNotContain(">Phone<");
        assertThat(html).contains("Pages 2-3");
    }
}
