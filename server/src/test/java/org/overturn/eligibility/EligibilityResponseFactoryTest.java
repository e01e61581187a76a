package org.overturn.eligibility;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.CoverageEligibilityRequest;
import org.hl7.fhir.r4.model.CoverageEligibilityResponse;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.Test;
import org.overturn.assessment.Assessment;
import org.overturn.cases.DeadlineExtension;
import org.overturn.cases.RegimeResolver;
import org.overturn.criteria.Evaluation;
import org.overturn.criteria.Evaluation.CriterionResult;
import org.overturn.criteria.Evaluation.Status;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeLoader;
import org.overturn.deadlines.DeadlineCalculator;
import org.overturn.evidence.Chart;
import org.overturn.profiles.FhirPackage;

/** The CoverageEligibilityResponse carries the assessment: each criterion with its status, evidence and source, and what is missing. */
class EligibilityResponseFactoryTest {
    private static final Knowledge KNOWLEDGE = KnowledgeLoader.load();
    private static final FhirPackage PACKAGE = FhirPackage.load(FhirContext.forR4Cached());
    private static final Date NOW = Date.from(java.time.Instant.parse("2026-03-02T10:00:00Z"));
    private static final String ALK_REPORT = "ALK test report from the performing lab";

    private static final org.overturn.law.Law LAW = org.overturn.law.LawLoader.load(KNOWLEDGE);
    private static final String SOPT = "urn:oid:2.16.840.1.113883.3.221.5";

    private final EligibilityResponseFactory factory = new EligibilityResponseFactory(PACKAGE,
            new PaDecisionClocks(new RegimeResolver(KNOWLEDGE, LAW), new DeadlineCalculator(LAW)));

    private static CoverageEligibilityRequest request() {
        CoverageEligibilityRequest request = new CoverageEligibilityRequest().setPatient(new Reference("Patient/p1"))
                .setInsurer(new Reference("Organization/payer")).setProvider(new Reference("Practitioner/dr"));
        request.setId("CoverageEligibilityRequest/r1/_history/2");
        // An EHR names the Coverage as it knows it.
        request.addInsurance().setCoverage(new Reference("https://ehr.example.org/fhir/Coverage/77"));
        request.addItem().setProductOrService(new CodeableConcept(new Coding("http://www.nlm.nih.gov/research/umls/rxnorm", "1727455", "alectinib")));
        return request;
    }

    private static Coverage coverage(Coverage.CoverageStatus status) {
        Coverage coverage = new Coverage().setStatus(status);
        coverage.setId("Coverage/cov1/_history/1"); // as the store reads it
        return coverage;
    }

    private static Assessment assessment(Optional<Evaluation> evaluation, String reason, Coverage coverage) {
        Patient patient = new Patient();
        patient.setId("p1");
        return new Assessment(Optional.of(KNOWLEDGE.payers().get(0)), KNOWLEDGE.drug("alectinib"), evaluation, reason,
                new Organization().setName("Cigna Healthcare"), new Chart(patient, List.of(), List.of(), List.of(), List.of(), List.of(),
                        List.of(), List.of()), coverage);
    }

    /** A Knox-Keene plan in California, as the coverage-regulator extension names it. */
    private static Coverage dmhcCoverage() {
        return regulated("ca-dmhc");
    }

    private static Coverage regulated(String regulatorCode) {
        Coverage coverage = coverage(Coverage.CoverageStatus.ACTIVE);
        Extension regulator = coverage.addExtension().setUrl(RegimeResolver.EXTENSION);
        regulator.addExtension(RegimeResolver.REGULATOR, new org.hl7.fhir.r4.model.CodeType(regulatorCode));
        regulator.addExtension(RegimeResolver.STATE, new org.hl7.fhir.r4.model.CodeType("CA"));
        return coverage;
    }

    private static Evaluation paRequired() {
        return new Evaluation("cigna-alectinib-nsclc", 3, "cigna", "alectinib", true, List.of(
                new CriterionResult("diagnosis-nsclc", "NSCLC diagnosis", true, Status.MET, "C34.11 on file",
                        List.of("Condition/c1"), null, "Cigna policy section 1")), List.of(), Evaluation.Outcome.CRITERIA_MET);
    }

    private static List<Extension> clocks(CoverageEligibilityResponse response) {
        return response.getInsuranceFirstRep().getItemFirstRep().getExtensionsByUrl(DeadlineExtension.URL);
    }

    /** The one criterion-result extension whose id is {@code id}. */
    private static Extension criterion(CoverageEligibilityResponse response, String id) {
        return response.getInsuranceFirstRep().getItemFirstRep().getExtensionsByUrl(EligibilityExtensions.CRITERION).stream()
                .filter(e -> id.equals(value(e, "id"))).findFirst().orElseThrow(() -> new AssertionError("no criterion " + id));
    }

    private static String value(Extension e, String url) {
        Extension sub = e.getExtensionByUrl(url);
        return sub == null ? null : sub.getValue().primitiveValue();
    }

    private static List<Type> values(Extension e, String url) {
        return e.getExtensionsByUrl(url).stream().map(Extension::getValue).toList();
    }

    @Test
    void buildWhenCriteriaAreMetNotMetAndUnknownThenEachCarriesItsStatusEvidenceAndWhatIsMissing() {
        Evaluation evaluation = new Evaluation("cigna-alectinib-nsclc", 3, "cigna", "alectinib", true, List.of(
                new CriterionResult("diagnosis-nsclc", "NSCLC diagnosis", true, Status.MET, "C34.11 on file",
                        List.of("Condition/c1"), null, "Cigna policy section 1"),
                new CriterionResult("alk-positive", "ALK-positive", true, Status.NOT_MET, "ALK negative by IHC",
                        List.of("Observation/o1", "Observation/o2"), ALK_REPORT, "Cigna policy section 2"),
                new CriterionResult("performance-status", "ECOG 0-2", false, Status.UNKNOWN, "No ECOG on file", List.of(), null,
                        "Cigna policy section 3")),
                List.of(ALK_REPORT), Evaluation.Outcome.CRITERIA_NOT_MET);

        CoverageEligibilityResponse response = factory.build(request(), coverage(Coverage.CoverageStatus.ACTIVE),
                assessment(Optional.of(evaluation), "", coverage(Coverage.CoverageStatus.ACTIVE)), NOW);

        assertThat(response.getStatus()).isEqualTo(CoverageEligibilityResponse.EligibilityResponseStatus.ACTIVE);
        assertThat(response.getOutcome()).isEqualTo(Enumerations.RemittanceOutcome.COMPLETE);
        assertThat(response.getPurpose()).extracting(p -> p.getValue())
                .containsExactly(CoverageEligibilityResponse.EligibilityResponsePurpose.AUTHREQUIREMENTS);
        assertThat(response.getRequest().getReference()).as("versionless").isEqualTo("CoverageEligibilityRequest/r1");
        assertThat(response.getPatient().getReference()).isEqualTo("Patient/p1");
        assertThat(response.getInsurer().getReference()).isEqualTo("Organization/payer");
        assertThat(response.getRequestor().getReference()).isEqualTo("Practitioner/dr");
        assertThat(response.getCreated()).isEqualTo(NOW);

        CoverageEligibilityResponse.InsuranceComponent insurance = response.getInsuranceFirstRep();
        assertThat(insurance.getCoverage().getReference()).isEqualTo("https://ehr.example.org/fhir/Coverage/77");
        assertThat(insurance.getInforce()).isTrue();
        CoverageEligibilityResponse.ItemsComponent item = insurance.getItemFirstRep();
        assertThat(item.getProductOrService().hasCoding("http://www.nlm.nih.gov/research/umls/rxnorm", "1727455")).isTrue();
        assertThat(item.getAuthorizationRequired()).isTrue();
        assertThat(item.getAuthorizationUrl()).isEqualTo(PACKAGE.paQuestionnaire("alectinib").orElseThrow().getUrl());

        assertThat(item.getExtensionsByUrl(EligibilityExtensions.CRITERION)).hasSize(3);
        Extension met = criterion(response, "diagnosis-nsclc");
        assertThat(value(met, "status")).isEqualTo("met");
        assertThat(value(met, "required")).isEqualTo("true");
        assertThat(values(met, "evidence")).extracting(v -> ((Reference) v).getReference()).containsExactly("Condition/c1");
        assertThat(met.getExtensionByUrl("missing-documentation")).isNull();
        assertThat(value(met, "source")).isEqualTo("Cigna policy section 1");

        Extension notMet = criterion(response, "alk-positive");
        assertThat(value(notMet, "status")).isEqualTo("not-met");
        assertThat(value(notMet, "reason")).isEqualTo("ALK negative by IHC");
        assertThat(values(notMet, "evidence")).extracting(v -> ((Reference) v).getReference())
                .containsExactly("Observation/o1", "Observation/o2");
        assertThat(value(notMet, "missing-documentation")).isEqualTo(ALK_REPORT);

        Extension unknown = criterion(response, "performance-status");
        assertThat(value(unknown, "status")).isEqualTo("unknown");
        assertThat(value(unknown, "required")).isEqualTo("false");
        assertThat(values(unknown, "evidence")).isEmpty();

        assertThat(item.getExtensionsByUrl(EligibilityExtensions.MISSING_DOCUMENTATION)).extracting(e -> e.getValue().primitiveValue())
                .containsExactly(ALK_REPORT);
        assertThat(item.getAuthorizationSupporting()).extracting(CodeableConcept::getText).containsExactly(ALK_REPORT);

        Extension summary = response.getExtensionByUrl(EligibilityExtensions.ASSESSMENT);
        assertThat(value(summary, "status")).isEqualTo("criteria-not-met");
        assertThat(value(summary, "policy")).isEqualTo("cigna-alectinib-nsclc");
        assertThat(value(summary, "policy-version")).isEqualTo("3");
        assertThat(value(summary, "payer")).isEqualTo("cigna");
        assertThat(value(summary, "drug")).isEqualTo("alectinib");
        // Only required criteria count: the unknown optional one is neither met nor among the required.
        assertThat(response.getDisposition()).startsWith("Cigna Healthcare requires prior authorization for Alecensa (alectinib)")
                .contains("1 of 2 required criteria met").endsWith("missing: " + ALK_REPORT);
    }

    @Test
    void buildWhenNoPolicyCouldBeEvaluatedThenStatusUnknownWithTheReasonAndNoCriteria() {
        String reason = "Cigna Healthcare has no policy on file for this drug";

        CoverageEligibilityResponse response = factory.build(request(), coverage(Coverage.CoverageStatus.ACTIVE),
                assessment(Optional.empty(), reason, coverage(Coverage.CoverageStatus.ACTIVE)), NOW);

        Extension summary = response.getExtensionByUrl(EligibilityExtensions.ASSESSMENT);
        assertThat(value(summary, "status")).isEqualTo("unknown");
        assertThat(value(summary, "reason")).isEqualTo(reason);
        assertThat(summary.getExtensionByUrl("policy")).isNull();
        assertThat(response.getDisposition()).isEqualTo("Cannot assess: " + reason);
        CoverageEligibilityResponse.ItemsComponent item = response.getInsuranceFirstRep().getItemFirstRep();
        assertThat(item.getExtensionsByUrl(EligibilityExtensions.CRITERION)).isEmpty();
        assertThat(item.hasAuthorizationRequired()).as("not claimed either way without a policy").isFalse();
    }

    @Test
    void buildWhenTheRequestNamesNoCoverageThenTheAssessedOneIsNamedAndInforceFollowsItsStatus() {
        CoverageEligibilityRequest request = request();
        request.getInsuranceFirstRep().setCoverage(null);
        Coverage cancelled = coverage(Coverage.CoverageStatus.CANCELLED);
        Evaluation met = new Evaluation("cigna-alectinib-nsclc", 1, "cigna", "alectinib", false, List.of(
                new CriterionResult("diagnosis-nsclc", "NSCLC diagnosis", true, Status.MET, "C34.11 on file", List.of("Condition/c1"),
                        null, "Cigna policy")), List.of(), Evaluation.Outcome.CRITERIA_MET);

        CoverageEligibilityResponse response = factory.build(request, cancelled, assessment(Optional.of(met), "", cancelled), NOW);

        assertThat(response.getInsuranceFirstRep().getCoverage().getReference()).isEqualTo("Coverage/cov1");
        assertThat(response.getInsuranceFirstRep().getInforce()).isFalse();
        assertThat(response.getInsuranceFirstRep().getItemFirstRep().getAuthorizationRequired()).isFalse();
        assertThat(response.getDisposition()).contains("does not require prior authorization").contains("1 of 1 required criteria met")
                .doesNotContain("missing");
    }

    @Test
    void buildWhenTheCoverageIsUnderDmhcThenThePaDecisionClocksStandardAndExpeditedCountFromCreation() {
        Coverage coverage = dmhcCoverage();

        CoverageEligibilityResponse response = factory.build(request(), coverage,
                assessment(Optional.of(paRequired()), "", coverage), NOW);

        List<Extension> clocks = clocks(response);
        assertThat(clocks).extracting(e -> value(e, "urgency")).containsExactly("standard", "expedited");
        Extension standard = clocks.get(0);
        Extension expedited = clocks.get(1);
        // Written exactly as on an appeal Task: the same sub-extensions, in the same order.
        assertThat(standard.getExtension()).extracting(Extension::getUrl).containsExactly("kind", "step", "urgency", "due", "from",
                "regime", "rule", "citation", "rulesVersion", "verification", "actOn");
        for (Extension clock : clocks) {
            assertThat(value(clock, "kind")).isEqualTo("decision");
            assertThat(value(clock, "step")).isEqualTo("initial-decision");
            assertThat(value(clock, "regime")).isEqualTo("ca-dmhc CA");
            assertThat(value(clock, "verification")).isEqualTo("verified");
            assertThat(value(clock, "actOn")).isEqualTo("true");
            assertThat(((org.hl7.fhir.r4.model.DateTimeType) clock.getExtensionByUrl("from").getValue()).getValue()).isEqualTo(NOW);
        }
        // CA H&S 1367.241: 72 hours, 24 when exigent (jurisdictions.yaml CA-DMHC rxPriorAuth), in California's offset.
        assertThat(value(standard, "rule")).isEqualTo("CA-DMHC rxPriorAuth.standard");
        assertThat(value(expedited, "rule")).isEqualTo("CA-DMHC rxPriorAuth.exigent");
        assertThat(value(standard, "citation")).contains("72 hours").contains("1367.241");
        assertThat(due(standard)).isEqualTo(NOW.toInstant().plus(java.time.Duration.ofHours(72)));
        assertThat(due(expedited)).isEqualTo(NOW.toInstant().plus(java.time.Duration.ofHours(24)));
        assertThat(value(standard, "due")).isEqualTo("2026-03-05T02:00:00-08:00");
    }

    @Test
    void buildWhenTheRuleIsUnverifiedThenTheClocksSaySo() {
        // CA-CDI rxPriorAuth: the Insurance Code section is UNVERIFIED in jurisdictions.yaml.
        Coverage coverage = regulated("ca-cdi");

        CoverageEligibilityResponse response = factory.build(request(), coverage, assessment(Optional.of(paRequired()), "", coverage), NOW);

        assertThat(clocks(response)).extracting(e -> value(e, "rule"), e -> value(e, "verification")).containsExactly(
                org.assertj.core.groups.Tuple.tuple("CA-CDI rxPriorAuth.standard", "UNVERIFIED"),
                org.assertj.core.groups.Tuple.tuple("CA-CDI rxPriorAuth.exigent", "UNVERIFIED"));
    }

    @Test
    void buildWhenTheCoverageIsMedicareThenNoClockIsGuessed() {
        Coverage medicare = coverage(Coverage.CoverageStatus.ACTIVE);
        medicare.getType().addCoding(new Coding(SOPT, "1", "Medicare"));

        CoverageEligibilityResponse response = factory.build(request(), medicare, assessment(Optional.of(paRequired()), "", medicare), NOW);

        assertThat(clocks(response)).isEmpty();
        assertThat(response.getInsuranceFirstRep().getItemFirstRep().getExtensionsByUrl(EligibilityExtensions.CRITERION)).hasSize(1);
    }

    @Test
    void buildWhenThePolicyNeedsNoPaThenNoDecisionClock() {
        Coverage coverage = dmhcCoverage();
        Evaluation noPa = new Evaluation("cigna-alectinib-nsclc", 1, "cigna", "alectinib", false, List.of(), List.of(),
                Evaluation.Outcome.CRITERIA_MET);

        CoverageEligibilityResponse response = factory.build(request(), coverage, assessment(Optional.of(noPa), "", coverage), NOW);

        assertThat(clocks(response)).isEmpty();
    }

    @Test
    void buildWhenNoPolicyCouldBeEvaluatedThenTheLawsClocksStillApply() {
        Coverage coverage = dmhcCoverage();

        CoverageEligibilityResponse response = factory.build(request(), coverage,
                assessment(Optional.empty(), "Cigna Healthcare has no policy on file for this drug", coverage), NOW);

        assertThat(clocks(response)).extracting(e -> value(e, "rule"))
                .containsExactly("CA-DMHC rxPriorAuth.standard", "CA-DMHC rxPriorAuth.exigent");
    }

    private static java.time.Instant due(Extension clock) {
        return ((org.hl7.fhir.r4.model.DateTimeType) clock.getExtensionByUrl("due").getValue()).getValue().toInstant();
    }
}
