package org.overturn.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.overturn.law.RegulatorKind.CA_CDI;
import static org.overturn.law.RegulatorKind.CA_DMHC;
import static org.overturn.law.RegulatorKind.ERISA_SELF_FUNDED;
import static org.overturn.law.RegulatorKind.STATE_INSURANCE_DEPARTMENT;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.util.Arrays;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeLoader;
import org.overturn.deadlines.Deadline;
import org.overturn.deadlines.DeadlineCalculator;
import org.overturn.deadlines.DeadlineSchedule;
import org.overturn.deadlines.Regime;
import org.overturn.deadlines.RegimeCandidates;
import org.overturn.deadlines.Step;
import org.overturn.deadlines.Urgency;
import org.overturn.law.Law;
import org.overturn.law.LawLoader;
import org.overturn.law.RegulatorKind;
import org.overturn.profiles.FhirPackage;

/** Which law applies, read from synthetic Coverages: the extension, type codes, plan text, then addresses. */
class RegimeResolverTest {
    private static final Knowledge KNOWLEDGE = KnowledgeLoader.load();
    private static final Law LAW = LawLoader.load(KNOWLEDGE);
    private static final String SOPT = "urn:oid:2.16.840.1.113883.3.221.5";
    private static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    private final RegimeResolver resolver = new RegimeResolver(KNOWLEDGE, LAW);
    private final DeadlineCalculator calculator = new DeadlineCalculator(LAW);

    @Test
    void resolveWhenTheRegulatorExtensionNamesRegulatorAndStateThenItDecidesAlone() {
        Coverage coverage = coverage().setType(new org.hl7.fhir.r4.model.CodeableConcept()
                .addCoding(new org.hl7.fhir.r4.model.Coding(SOPT, "522", null)));   // contradicting code: not read
        coverage.addExtension(regulatorExtension("ca-cdi", "CA"));

        RegimeCandidates result = resolver.resolve(coverage, patient("GA"), patient("OH"));

        assertThat(result.regimes()).containsExactly(new Regime(CA_CDI, "CA"));
        assertThat(result.candidates().get(0).basis())
                .contains("named by Coverage.extension[coverage-regulator]")
                .contains("state CA from Coverage.extension[coverage-regulator].state");
    }

    @Test
    void resolveWhenTheExtensionGivesOnlyTheStateThenTheCodesStillDecideTheRegulator() {
        Coverage coverage = coverage().setType(concept(ACT_CODE, "HMO"));
        Extension stateOnly = new Extension(RegimeResolver.EXTENSION);
        stateOnly.addExtension(new Extension(RegimeResolver.STATE, new CodeType("CA")));
        coverage.addExtension(stateOnly);

        RegimeCandidates result = resolver.resolve(coverage, patient("GA"), null);

        // An HMO is a Knox-Keene plan: not CDI; whether it is self-funded stays open.
        assertThat(result.regimes()).containsExactly(new Regime(CA_DMHC, "CA"), new Regime(ERISA_SELF_FUNDED, "CA"));
        assertThat(result.findings()).contains("Coverage.type " + ACT_CODE + "|HMO (health maintenance organization policy) rules out ca-cdi");
    }

    @Test
    void resolveWhenTheTypeCodeSaysSelfInsuredErisaThenTheFederalRegimeIsTheOnlyCandidate() {
        Coverage coverage = coverage().setType(concept(SOPT, "522"));

        RegimeCandidates result = resolver.resolve(coverage, patient("GA"), null);

        assertThat(result.regimes()).containsExactly(new Regime(ERISA_SELF_FUNDED, "GA"));
        assertThat(result.candidates().get(0).basis())
                .contains("522 (Self-insured (ERISA) Administrative Services Only (ASO) plan)")
                .contains("state GA from the subscriber's home address");
        // The CARIN spelling of the same code system is read too.
        assertThat(resolver.resolve(coverage().setType(concept("https://nahdo.org/sopt", "522")), patient("GA"), null).regimes())
                .containsExactly(new Regime(ERISA_SELF_FUNDED, "GA"));
    }

    @Test
    void resolveWhenOnlyThePlanNameSaysSelfFundedThenTheFederalRegimeIsTheOnlyCandidate() {
        Coverage coverage = coverage();
        coverage.addClass_().setValue("GRP-0042").setName("Acme Robotics Self-Funded Employee Health Plan");

        RegimeCandidates result = resolver.resolve(coverage, null, patient("CA"));

        assertThat(result.regimes()).containsExactly(new Regime(ERISA_SELF_FUNDED, "CA"));
        assertThat(result.findings()).anyMatch(f -> f.startsWith("Coverage.class[0].name 'Acme Robotics Self-Funded Employee Health Plan' says 'Self-Funded' rules out"));
    }

    @Test
    void resolveWhenPlanTextSaysFullyInsuredOrDmhcThenTheTextNarrowsTheCandidates() {
        Coverage insured = coverage();
        insured.getType().setText("Fully insured PPO");
        assertThat(resolver.resolve(insured, patient("CA"), null).regimes())
                .containsExactly(new Regime(CA_DMHC, "CA"), new Regime(CA_CDI, "CA"));

        Coverage dmhc = coverage();
        dmhc.addClass_().setValue("PLAN-7").setName("Sunrise Health Plan (DMHC licensed)");
        assertThat(resolver.resolve(dmhc, patient("CA"), null).regimes()).containsExactly(new Regime(CA_DMHC, "CA"));
    }

    @Test
    void resolveWhenTheTextSaysNonErisaThenTheWordErisaIsNotRead() {
        Coverage coverage = coverage();
        coverage.getType().setText("Church plan (non-ERISA)");

        RegimeCandidates result = resolver.resolve(coverage, patient("CA"), null);

        assertThat(result.regimes()).hasSize(3);
        assertThat(result.findings()).noneMatch(f -> f.contains("says 'ERISA'"));
    }

    @Test
    void resolveWhenTheRegulatorIsWrittenAsACompoundWordThenItIsStillRead() {
        Coverage coverage = coverage().setType(concept(ACT_CODE, "PPO"));
        coverage.addClass_().setValue("CA-PPO-TEST-02").setName("Cigna PPO - California (synthetic test plan, fully insured, CDI-regulated)");

        RegimeCandidates result = resolver.resolve(coverage, patient("CA"), null);

        assertThat(result.regimes()).containsExactly(new Regime(CA_CDI, "CA"));
        assertThat(result.findings()).anyMatch(f -> f.contains("says 'CDI'") && f.contains("rules out ca-dmhc"));
    }

    @Test
    void resolveWhenEvidenceContradictsEarlierEvidenceThenTheEarlierWinsAndTheContradictionIsReported() {
        Coverage coverage = coverage().setType(concept(SOPT, "522"));
        coverage.addClass_().setValue("P-1").setName("Knox-Keene HMO");

        RegimeCandidates result = resolver.resolve(coverage, patient("CA"), null);

        assertThat(result.regimes()).containsExactly(new Regime(ERISA_SELF_FUNDED, "CA"));
        assertThat(result.findings()).anyMatch(f -> f.contains("says 'Knox-Keene'") && f.endsWith("ignored"));
    }

    @Test
    void resolveWhenSubscriberAndPatientLiveInDifferentStatesThenTheSubscribersStateIsUsed() {
        RelatedPerson parent = new RelatedPerson();
        parent.setId("parent-1");
        parent.addAddress().setUse(Address.AddressUse.OLD).setState("CA");
        parent.addAddress().setUse(Address.AddressUse.WORK).setState("NY");
        parent.addAddress().setUse(Address.AddressUse.HOME).setState("Georgia");

        RegimeCandidates result = resolver.resolve(coverage(), parent, patient("OH"));

        assertThat(result.regimes()).containsExactly(
                new Regime(STATE_INSURANCE_DEPARTMENT, "GA"), new Regime(ERISA_SELF_FUNDED, "GA"));
        assertThat(result.findings()).contains("state GA from the subscriber's home address (RelatedPerson/parent-1)");
    }

    @Test
    void resolveWhenOnlyThePatientHasAnAddressThenThePatientsStateIsUsed() {
        Patient subscriber = new Patient();
        subscriber.addAddress().setCity("Nowhere");   // no state

        RegimeCandidates result = resolver.resolve(coverage(), subscriber, patient("Ohio"));

        assertThat(result.regimes()).containsExactly(
                new Regime(STATE_INSURANCE_DEPARTMENT, "OH"), new Regime(ERISA_SELF_FUNDED, "OH"));
        assertThat(result.findings()).anyMatch(f -> f.startsWith("state OH from the patient's home address"));
    }

    @Test
    void resolveWhenTheCoverageReferencesCarryThePeopleThenTheirAddressesAreRead() {
        Coverage coverage = coverage();
        coverage.getBeneficiary().setResource(patient("TX"));

        assertThat(resolver.resolve(coverage).regimes()).containsExactly(
                new Regime(STATE_INSURANCE_DEPARTMENT, "TX"), new Regime(ERISA_SELF_FUNDED, "TX"));
    }

    @Test
    void resolveWhenNothingIsKnownThenEveryCandidateIsKeptAndTheDecidingFactsAreStated() {
        RegimeCandidates result = resolver.resolve(coverage(), null, null);

        assertThat(result.regimes()).containsExactly(
                new Regime(CA_DMHC, "CA"), new Regime(CA_CDI, "CA"),
                new Regime(STATE_INSURANCE_DEPARTMENT, "GA"), new Regime(STATE_INSURANCE_DEPARTMENT, "OH"),
                new Regime(STATE_INSURANCE_DEPARTMENT, "NY"), new Regime(STATE_INSURANCE_DEPARTMENT, "TX"),
                new Regime(STATE_INSURANCE_DEPARTMENT, "FL"), new Regime(STATE_INSURANCE_DEPARTMENT, "PA"),
                new Regime(STATE_INSURANCE_DEPARTMENT, "IL"), new Regime(ERISA_SELF_FUNDED, null));
        assertThat(result.candidates()).allSatisfy(c -> assertThat(c.basis())
                .startsWith("one of 10 candidates: nothing on the Coverage decides; no state"));

        DeadlineSchedule schedule = calculator.compute(
                result, Instant.parse("2026-01-15T18:00:00Z"), Step.INTERNAL_APPEAL_FILING, Urgency.STANDARD);
        // 180 days everywhere; New York time ends first: Jul 14 23:59:59 EDT.
        assertThat(schedule.actOn().orElseThrow().due()).isEqualTo(Instant.parse("2026-07-15T03:59:59Z"));
        assertThat(schedule.decidingFact()).isEqualTo("Whether the plan is self-funded (ERISA) or fully insured; "
                + "whether it is regulated by DMHC (a Knox-Keene health care service plan) or CDI (an insurance policy); "
                + "which state's law governs the plan (no state on the Coverage's regulator or situs extension, the "
                + "subscriber's address or the patient's address)");
    }

    @Test
    void resolveWhenACaliforniaPpoNamesNoRegulatorThenTheEarliestDeadlineComesWithTheFactThatWouldDecide() {
        Coverage ppo = coverage().setType(concept(ACT_CODE, "PPO"));

        RegimeCandidates result = resolver.resolve(ppo, patient("CA"), null);
        DeadlineSchedule schedule = calculator.compute(
                result, Instant.parse("2026-01-15T18:00:00Z"), Step.INTERNAL_APPEAL_DECISION, Urgency.EXPEDITED);

        assertThat(result.regimes()).containsExactly(
                new Regime(CA_DMHC, "CA"), new Regime(CA_CDI, "CA"), new Regime(ERISA_SELF_FUNDED, "CA"));
        assertThat(result.findings()).anyMatch(f -> f.contains("|PPO") && f.contains("does not decide"));
        // DMHC: 3 days (Jan 18 end of day, Los Angeles); CDI and ERISA: 72 hours (Jan 18, 18:00 UTC): CDI comes first.
        Deadline actOn = schedule.actOn().orElseThrow();
        assertThat(actOn.due()).isEqualTo(Instant.parse("2026-01-18T18:00:00Z"));
        assertThat(actOn.regime()).isEqualTo(new Regime(CA_CDI, "CA"));
        assertThat(schedule.decidingFact()).isEqualTo("Whether the plan is self-funded (ERISA) or fully insured; "
                + "whether it is regulated by DMHC (a Knox-Keene health care service plan) or CDI (an insurance policy)");
    }

    @Test
    void resolveWhenTheCoverageIsMedicareThenNoRegimeIsGuessed() {
        RegimeCandidates result = resolver.resolve(coverage().setType(concept(SOPT, "111")), patient("CA"), null);

        assertThat(result.candidates()).isEmpty();
        assertThat(result.unsupported()).contains("Medicare").contains(SOPT + "|111");
        assertThat(calculator.compute(result, Instant.parse("2026-01-15T18:00:00Z"), Step.INTERNAL_APPEAL_FILING,
                Urgency.STANDARD).deadlines()).isEmpty();
    }

    @Test
    void resolveWhenTheExtensionNamesAnUnknownRegulatorThenItIsIgnoredAndSaid() {
        Coverage coverage = coverage().setType(concept(SOPT, "522"));
        coverage.addExtension(regulatorExtension("dmv", "CA"));

        RegimeCandidates result = resolver.resolve(coverage, null, null);

        assertThat(result.regimes()).containsExactly(new Regime(ERISA_SELF_FUNDED, "CA"));
        assertThat(result.findings()).contains(
                "Coverage.extension[coverage-regulator].regulator 'dmv' is not a known regulator; ignored");
    }

    @Test
    void resolveWhenTheCoverageCarriesThePlansSitusThenItDecidesTheStateBeforeAnyAddress() {
        Coverage coverage = coverage();
        coverage.addExtension(new Extension(RegimeResolver.SITUS, new CodeType("OH")));

        RegimeCandidates result = resolver.resolve(coverage, patient("GA"), patient("CA"));

        assertThat(result.regimes()).containsExactly(
                new Regime(STATE_INSURANCE_DEPARTMENT, "OH"), new Regime(ERISA_SELF_FUNDED, "OH"));
        assertThat(result.state()).isEqualTo("OH");
        assertThat(result.stateSource()).isEqualTo(RegimeCandidates.StateSource.SITUS);
        assertThat(result.findings()).contains("state OH from Coverage.extension[coverage-situs]");
        assertThat(result.candidates().get(0).basis()).contains("state OH from Coverage.extension[coverage-situs]");
    }

    @Test
    void resolveWhenTheSitusContradictsTheRegulatorsStateThenTheRegulatorsStateIsUsedAndTheContradictionSaid() {
        Coverage coverage = coverage();
        coverage.addExtension(regulatorExtension("ca-dmhc", "CA"));
        coverage.addExtension(new Extension(RegimeResolver.SITUS, new CodeType("Georgia")));

        RegimeCandidates result = resolver.resolve(coverage, patient("OH"), null);

        assertThat(result.regimes()).containsExactly(new Regime(CA_DMHC, "CA"));
        assertThat(result.stateSource()).isEqualTo(RegimeCandidates.StateSource.REGULATOR);
        assertThat(result.findings()).contains(
                "Coverage.extension[coverage-situs] says GA, which contradicts state CA from Coverage.extension[coverage-regulator].state; ignored");
    }

    @ParameterizedTest(name = "situs {0}, subscriber {1}, patient {2} -> {3} from {4}")
    @CsvSource(nullValues = "-", value = {
        "TX,       GA, OH, TX, SITUS",
        "Atlantis, GA, OH, GA, SUBSCRIBER_ADDRESS",
        "-,        -,  OH, OH, PATIENT_ADDRESS",
        "-,        -,  -,  -,  NONE",
    })
    void resolveWhenTheStateComesFromOneSourceThenTheCandidatesSayWhichOne(
            String situs, String subscriber, String beneficiary, String state, RegimeCandidates.StateSource source) {
        Coverage coverage = coverage().setType(concept(SOPT, "522"));
        if (situs != null) {
            coverage.addExtension(new Extension(RegimeResolver.SITUS, new CodeType(situs)));
        }

        RegimeCandidates result = resolver.resolve(coverage, subscriber == null ? null : patient(subscriber),
                beneficiary == null ? null : patient(beneficiary));

        assertThat(result.state()).isEqualTo(state);
        assertThat(result.stateSource()).isEqualTo(source);
        if ("Atlantis".equals(situs)) {
            assertThat(result.findings()).contains("Coverage.extension[coverage-situs] 'Atlantis' is not a state; ignored");
        }
    }

    @Test
    void theSitusExtensionIsDefinedInTheFhirPackageOnCoverageWithACode() {
        StructureDefinition definition = FhirPackage.load(FhirContext.forR4Cached()).resources(StructureDefinition.class)
                .stream().filter(sd -> sd.getUrl().equals(RegimeResolver.SITUS)).findFirst().orElseThrow();

        assertThat(definition.getContext()).extracting(c -> c.getExpression()).containsExactly("Coverage");
        assertThat(definition.getDifferential().getElement()).anyMatch(e -> "Extension.value[x]".equals(e.getId())
                && e.getMin() == 1 && e.getType().get(0).getCode().equals("code"));
    }

    @Test
    void theRegulatorExtensionIsDefinedInTheFhirPackageWithEveryRegulatorCode() {
        StructureDefinition definition = FhirPackage.load(FhirContext.forR4Cached()).resources(StructureDefinition.class)
                .stream().filter(sd -> sd.getUrl().equals(RegimeResolver.EXTENSION)).findFirst().orElseThrow();

        assertThat(definition.getContext()).extracting(c -> c.getExpression()).containsExactly("Coverage");
        String regulatorShort = definition.getDifferential().getElement().stream()
                .filter(e -> "Extension.extension:regulator".equals(e.getId())).findFirst().orElseThrow().getShort();
        assertThat(regulatorShort.split(" \\| "))
                .containsExactlyInAnyOrder(Arrays.stream(RegulatorKind.values()).map(RegulatorKind::code).toArray(String[]::new));
        assertThat(definition.getDifferential().getElement()).anyMatch(e -> "Extension.extension:state".equals(e.getId()));
    }

    private static Coverage coverage() {
        Coverage coverage = new Coverage();
        coverage.setStatus(Coverage.CoverageStatus.ACTIVE);
        return coverage;
    }

    private static org.hl7.fhir.r4.model.CodeableConcept concept(String system, String code) {
        return new org.hl7.fhir.r4.model.CodeableConcept().addCoding(new org.hl7.fhir.r4.model.Coding(system, code, null));
    }

    private static Extension regulatorExtension(String regulator, String state) {
        Extension extension = new Extension(RegimeResolver.EXTENSION);
        extension.addExtension(new Extension(RegimeResolver.REGULATOR, new CodeType(regulator)));
        extension.addExtension(new Extension(RegimeResolver.STATE, new CodeType(state)));
        return extension;
    }

    private static Patient patient(String state) {
        Patient patient = new Patient();
        patient.setId("pat-" + state.toLowerCase(java.util.Locale.ROOT));
        patient.addAddress().setUse(Address.AddressUse.HOME).setCity("Springfield").setState(state);
        return patient;
    }
}
