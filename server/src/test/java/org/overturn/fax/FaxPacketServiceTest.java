package org.overturn.fax;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.criteria.KnowledgeModel.PayerContact;
import org.overturn.letter.CaseDocuments.Kind;

/** Where a packet is faxed, as the payer knowledge gives it: a number from the sources, or where to find one, never a guess. */
class FaxPacketServiceTest {
    private static final PayerContact PA_FAX = contact(KnowledgeModel.PA_FAX, "(555) 010-0199", null);
    private static final PayerContact PA_PHONE = contact(KnowledgeModel.PA_PHONE, "(555) 010-0200", null);
    private static final PayerContact CA_EXCEPTION_FAX = contact(KnowledgeModel.EXCEPTION_FAX, "(555) 010-0299", List.of("CA"));

    // destination() reads only its arguments: the service's collaborators are not needed to choose a fax line.
    private final FaxPacketService service = new FaxPacketService(null, null, null, null, null, null, null);

    private static PayerContact contact(String use, String value, List<String> states) {
        return new PayerContact(use, use, value, states, null, "verified", "synthetic source");
    }

    private static KnowledgeModel.Payer payer(List<PayerContact> contacts, List<String> routes,
            List<KnowledgeModel.SpecialtyPharmacy> pharmacies) {
        return new KnowledgeModel.Payer("example", "Example Health Plan", List.of(), List.of("example"), contacts, routes, pharmacies,
                "synthetic source", "verified");
    }

    private static KnowledgeModel.Drug drug(String benefit) {
        return new KnowledgeModel.Drug("examplinib", List.of("examplinib"), "Exampla", null, null, benefit, "approved", List.of(), null,
                null, null, null, null, null, "synthetic source", null, "verified");
    }

    @Test
    void destinationWhenAStepTherapyExceptionFromAStateWithAnExceptionFaxThenThatFaxElseThePaFax() {
        KnowledgeModel.Payer payer = payer(List.of(PA_FAX, PA_PHONE, CA_EXCEPTION_FAX), List.of(), List.of());

        FaxPacketService.Destination california = service.destination(Kind.STEP_THERAPY_EXCEPTION_REQUEST, payer, "Example", "CA");
        assertThat(california.department()).isEqualTo("Formulary Exceptions and Step-Therapy Overrides");
        assertThat(california.fax()).isEqualTo(CA_EXCEPTION_FAX);

        FaxPacketService.Destination georgia = service.destination(Kind.STEP_THERAPY_EXCEPTION_REQUEST, payer, "Example", "GA");
        assertThat(georgia.department()).isEqualTo("Prior Authorization");
        assertThat(georgia.fax()).isEqualTo(PA_FAX);

        // The exception line takes exception requests only; a medical-necessity letter from the same state goes to PA.
        assertThat(service.destination(Kind.MEDICAL_NECESSITY_LETTER, payer, "Example", "CA").fax()).isEqualTo(PA_FAX);
    }

    @Test
    void destinationWhenAnAppealThenNoFaxIsGuessedAndTheHintSaysWhereAppealsGoAndWhomToAsk() {
        KnowledgeModel.Payer payer = payer(List.of(PA_FAX, PA_PHONE), List.of("Example Provider Portal"), List.of());

        FaxPacketService.Destination to = service.destination(Kind.APPEAL_LETTER, payer, "Example", "CA");

        assertThat(to.department()).isEqualTo("Appeals");
        assertThat(to.fax()).as("the PA fax is not an appeals fax").isNull();
        assertThat(to.unknownHint()).contains("where the denial letter says appeals go").contains("Example Provider Portal")
                .contains("calling (555) 010-0200");
    }

    @Test
    void destinationWhenThePayerHasNoPaFaxOnFileThenTheHintPointsToItsFormAndTheMembersIdCard() {
        FaxPacketService.Destination to = service.destination(Kind.MEDICAL_NECESSITY_LETTER, payer(List.of(), List.of(), List.of()),
                "Example", null);

        assertThat(to.fax()).isNull();
        assertThat(to.unknownHint()).contains("no prior authorization fax for Example Health Plan")
                .contains("back of the member's ID card");
    }

    @Test
    void destinationWhenThePayerIsNotOnFileThenTheHintNamesThePayorAsTheCoverageDoes() {
        FaxPacketService.Destination to = service.destination(Kind.MEDICAL_NECESSITY_LETTER, null, "Acme Mutual Insurance", "CA");

        assertThat(to.fax()).isNull();
        assertThat(to.unknownHint()).startsWith("Acme Mutual Insurance is not a payer Overturn has on file");
    }

    @Test
    void pharmacyLineWhenThePayerNamesAPharmacyForTheDrugsBenefitThenWhoDispensesItAndItsProviderLine() {
        KnowledgeModel.SpecialtyPharmacy pharmacy = new KnowledgeModel.SpecialtyPharmacy("Example Specialty Rx", List.of("pharmacy"),
                List.of(contact("provider-line", "(555) 010-0300", null)), null, null, "synthetic source", KnowledgeModel.UNVERIFIED);
        KnowledgeModel.Payer payer = payer(List.of(), List.of(), List.of(pharmacy));

        assertThat(FaxPacketService.pharmacyLine(payer, drug("pharmacy"))).hasValueSatisfying(line -> assertThat(line)
                .contains("Exampla (examplinib) is dispensed by Example Specialty Rx (UNVERIFIED)").contains("provider line (555) 010-0300"));
        assertThat(FaxPacketService.pharmacyLine(payer, drug("medical"))).as("no pharmacy named for medical-benefit drugs").isEmpty();
        assertThat(FaxPacketService.pharmacyLine(payer, null)).isEmpty();
        assertThat(FaxPacketService.pharmacyLine(null, drug("pharmacy"))).isEmpty();
    }
}
