package org.overturn.store;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.math.BigDecimal;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeAll;
import org.overturn.fixtures.Scenario;
import org.overturn.fixtures.Scenarios;
import org.overturn.platform.FhirPathTypes;
import org.junit.jupiter.api.Test;

/** Index rows come from HAPI's search-parameter paths, whatever the resource type. */
class SearchIndexerTest {
    private static FhirContext ctx;
    private static SearchIndexer indexer;

    @BeforeAll
    static void setUp() {
        ctx = FhirContext.forR4Cached();
        indexer = new SearchIndexer(ctx, new SearchParameterRegistry(ctx, ResourceTypes.SUPPORTED));
    }

    @Test
    void observationWhenIndexedThenPatientViaResolveCodeDateAndQuantityAreRows() {
        Observation obs = new Observation();
        obs.setId("o1");
        obs.setStatus(Observation.ObservationStatus.FINAL);
        obs.setCode(new CodeableConcept().setText("ALK FISH"));
        obs.getCode().addCoding().setSystem("http://loinc.org").setCode("76042-8");
        obs.setSubject(new Reference("Patient/p1"));
        obs.setEffective(new DateTimeType("2025-03-10"));
        obs.setValue(new Quantity().setValue(87).setSystem("http://unitsofmeasure.org").setCode("%").setUnit("%"));

        IndexRows rows = indexer.index(obs);

        // "patient" is Observation.subject.where(resolve() is Patient): it only indexes if resolve() works.
        assertThat(rows.references).contains(new IndexRows.ReferenceRow("patient", "Patient", "p1", "Patient/p1"));
        assertThat(rows.references).contains(new IndexRows.ReferenceRow("subject", "Patient", "p1", "Patient/p1"));
        assertThat(rows.tokens).contains(new IndexRows.TokenRow("code", "http://loinc.org", "76042-8", null));
        assertThat(rows.tokens).contains(new IndexRows.TokenRow("code", null, null, "alk fish"));
        assertThat(rows.tokens).contains(new IndexRows.TokenRow("status", "http://hl7.org/fhir/observation-status", "final", null));
        assertThat(rows.dates).extracting(IndexRows.DateRow::param).contains("date");
        assertThat(rows.quantities).contains(new IndexRows.QuantityRow("value-quantity", new BigDecimal(87), "http://unitsofmeasure.org", "%"));
        assertThat(rows.patientId).isEqualTo("p1");
    }

    /**
     * R4 writes code-value-date's cast as as(DateTime): the server's FHIRPath types must find the type by that name
     * too, as HAPI's full definitions do.
     */
    @Test
    void observationWhenItsValueIsADateTimeThenCodeValueDatePairsTheCodeWithIt() {
        FhirContext skeletal = FhirContext.forR4();
        skeletal.setValidationSupport(new FhirPathTypes(skeletal));
        SearchIndexer asTheServerRuns = new SearchIndexer(skeletal, new SearchParameterRegistry(skeletal, ResourceTypes.SUPPORTED));
        Observation obs = new Observation();
        obs.setId("o2");
        obs.getCode().addCoding().setSystem("http://loinc.org").setCode("21907-1");
        obs.setValue(new DateTimeType("2024-11-20"));

        IndexRows rows = asTheServerRuns.index(obs);

        assertThat(rows.composites).filteredOn(c -> c.param().equals("code-value-date")).singleElement()
                .satisfies(c -> {
                    assertThat(c.code()).isEqualTo("21907-1");
                    assertThat(c.low()).isNotNull();
                    assertThat(c.high()).isNotNull();
                });
    }

    @Test
    void observationWhenItsDateIsBlankThenAClientErrorNotA500() {
        Observation obs = ctx.newJsonParser().parseResource(Observation.class, "{\"resourceType\":\"Observation\",\"status\":"
                + "\"final\",\"code\":{\"text\":\"ALK\"},\"effectiveDateTime\":\" \"}");

        org.overturn.platform.OverturnException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> indexer.index(obs), org.overturn.platform.OverturnException.class);

        assertThat(e.code()).isEqualTo(org.overturn.platform.ErrorCode.MALFORMED_BODY);
        assertThat(e.getMessage()).contains("Observation (date)");
    }

    @Test
    void referenceWhenAbsoluteToAnotherServerThenNotLocalAndNoCompartment() {
        Observation obs = new Observation();
        obs.setId("o2");
        obs.setSubject(new Reference("https://ehr.example.org/fhir/Patient/p1"));

        IndexRows rows = indexer.index(obs);

        // The EHR's Patient/p1 is not this server's Patient/p1: only its URL is kept, and it makes no compartment.
        assertThat(rows.references).contains(
                new IndexRows.ReferenceRow("subject", null, null, "https://ehr.example.org/fhir/Patient/p1"));
        assertThat(rows.references).noneMatch(r -> "p1".equals(r.targetId()));
        assertThat(rows.patientId).isNull();
    }

    @Test
    void referenceWhenAbsoluteToThisServersBaseThenLocal() {
        SearchIndexer withBase = new SearchIndexer(ctx, new SearchParameterRegistry(ctx, ResourceTypes.SUPPORTED),
                List.of("https://overturn.example.org/fhir"));
        Observation obs = new Observation();
        obs.setId("o3");
        obs.setSubject(new Reference("https://overturn.example.org/fhir/Patient/p1"));
        Observation elsewhere = new Observation();
        elsewhere.setId("o4");
        elsewhere.setSubject(new Reference("https://overturn.example.org/fhir-other/Patient/p1"));

        IndexRows rows = withBase.index(obs);

        assertThat(rows.references).contains(new IndexRows.ReferenceRow(
                "subject", "Patient", "p1", "https://overturn.example.org/fhir/Patient/p1"));
        assertThat(rows.patientId).isEqualTo("p1");
        assertThat(withBase.index(elsewhere).patientId).as("a base that only starts like ours").isNull();
    }

    @Test
    void observationWhenSubjectAndPerformerAreTwoPatientsThenInBothCompartmentsWithTheSubjectPrimary() {
        Observation obs = new Observation();
        obs.setId("o5");
        obs.setSubject(new Reference("Patient/p1"));
        obs.addPerformer(new Reference("Patient/p2"));
        obs.addPerformer(new Reference("https://ehr.example.org/fhir/Patient/p3"));
        obs.addPerformer(new Reference("Practitioner/d1"));

        IndexRows rows = indexer.index(obs);

        assertThat(rows.patientId).isEqualTo("p1");
        assertThat(rows.compartments).containsExactlyInAnyOrder("p1", "p2");
    }

    @Test
    void provenanceWhenItsTargetsNameTwoPatientsThenInBothCompartments() {
        org.hl7.fhir.r4.model.Provenance provenance = new org.hl7.fhir.r4.model.Provenance();
        provenance.setId("pv1");
        provenance.addTarget(new Reference("Patient/p1"));
        provenance.addTarget(new Reference("Patient/p2"));
        provenance.addTarget(new Reference("Observation/o1"));

        IndexRows rows = indexer.index(provenance);

        assertThat(rows.compartments).containsExactlyInAnyOrder("p1", "p2");
        assertThat(rows.patientId).isIn("p1", "p2");
    }

    @Test
    void resourceWhenItNamesNoLocalPatientThenInNoCompartment() {
        Observation obs = new Observation();
        obs.setId("o6");
        obs.addPerformer(new Reference("https://ehr.example.org/fhir/Patient/p1"));
        assertThat(indexer.index(obs).compartments).isEmpty();
        assertThat(indexer.index(obs).patientId).isNull();
    }

    @Test
    void patientWhenIndexedThenNamesAreNormalizedAndCompartmentIsItself() {
        Patient p = new Patient();
        p.setId("p9");
        p.addName().setFamily("Zoë").addGiven("Ana");
        IndexRows rows = indexer.index(p);
        assertThat(rows.strings).contains(new IndexRows.StringRow("family", "zoe", "Zoë"));
        assertThat(rows.strings).contains(new IndexRows.StringRow("name", "ana", "Ana"));
        assertThat(rows.patientId).isEqualTo("p9");
        assertThat(rows.compartments).containsExactly("p9");
    }

    @Test
    void coverageAndTaskWhenIndexedThenTheirOwnParametersWorkWithNoTypeSpecificCode() {
        Coverage c = new Coverage();
        c.setBeneficiary(new Reference("Patient/p2"));
        c.addPayor(new Reference("Organization/cigna"));
        IndexRows coverage = indexer.index(c);
        assertThat(coverage.references).extracting(IndexRows.ReferenceRow::param).contains("beneficiary", "payor", "patient");
        assertThat(coverage.patientId).isEqualTo("p2");

        Task t = new Task();
        t.setStatus(Task.TaskStatus.REQUESTED);
        t.setFor(new Reference("Patient/p3"));
        t.setExecutionPeriod(new Period().setStartElement(new org.hl7.fhir.r4.model.DateTimeType("2026-01-01")));
        IndexRows task = indexer.index(t);
        assertThat(task.tokens).extracting(IndexRows.TokenRow::param).contains("status");
        assertThat(task.dates).extracting(IndexRows.DateRow::param).contains("period");
        List<IndexRows.DateRow> period = task.dates.stream().filter(d -> d.param().equals("period")).toList();
        assertThat(period.get(0).high()).isEqualTo(DateRange.MAX);
        assertThat(task.patientId).isEqualTo("p3");
    }

    @Test
    void everyFixtureResourceWhenIndexedWithSkeletalTypesThenRowsEqualThoseFromHapisFullDefinitions() {
        FhirContext full = FhirContext.forR4(); // DefaultProfileValidationSupport: every R4 StructureDefinition
        FhirContext skeletal = FhirContext.forR4();
        skeletal.setValidationSupport(new FhirPathTypes(skeletal));
        SearchIndexer withFull = new SearchIndexer(full, new SearchParameterRegistry(full, ResourceTypes.SUPPORTED));
        SearchIndexer withSkeletal = new SearchIndexer(skeletal, new SearchParameterRegistry(skeletal, ResourceTypes.SUPPORTED));
        int indexed = 0;
        for (Scenario scenario : Scenarios.all()) {
            for (String file : List.of("bundle.json", "pas-request.json", "hooks/ehr-chart.json")) {
                if (Scenario.class.getClassLoader().getResource("scenarios/" + scenario.id() + "/" + file) == null) {
                    continue; // not every scenario has a PAS request
                }
                Bundle bundle = full.newJsonParser().parseResource(Bundle.class, scenario.resource(file));
                for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                    IndexRows a = withFull.index(entry.getResource());
                    IndexRows b = withSkeletal.index(entry.getResource());
                    String what = scenario + " " + file + " " + entry.getResource().getIdElement();
                    assertThat(b.strings).as(what).isEqualTo(a.strings);
                    assertThat(b.tokens).as(what).isEqualTo(a.tokens);
                    assertThat(b.references).as(what).isEqualTo(a.references);
                    assertThat(b.dates).as(what).isEqualTo(a.dates);
                    assertThat(b.quantities).as(what).isEqualTo(a.quantities);
                    assertThat(b.uris).as(what).isEqualTo(a.uris);
                    assertThat(b.tokenDates).as(what).isEqualTo(a.tokenDates);
                    assertThat(b.composites).as(what).isEqualTo(a.composites);
                    assertThat(b.patientId).as(what).isEqualTo(a.patientId);
                    indexed++;
                }
            }
        }
        assertThat(indexed).isGreaterThan(100);
    }
}
