package org.overturn.store;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An audit entry's columns are read off the AuditEvent model by hand, not by FHIRPath: it must file each event in the
 * same patient compartments and under the same entities as the generic indexer would, or a patient-scoped token
 * would see a different trail than the compartment rules say.
 */
class AuditTrailTest {
    private static SearchIndexer indexer;

    @BeforeAll
    static void setUp() {
        FhirContext ctx = FhirContext.forR4Cached();
        indexer = new SearchIndexer(ctx, new SearchParameterRegistry(ctx, ResourceTypes.SUPPORTED),
                List.of("https://overturn.example/fhir"));
    }

    @Test
    void rowWhenEventsNameResourcesAndPatientsThenSameCompartmentsAndEntitiesAsTheIndexer() {
        List<AuditEvent> events = List.of(
                event("Observation/o1", "Patient/p1"),
                event("Patient/p2"),
                event("Claim/c1", "Patient/p3", "Patient/p4"),
                event(),
                agentPatient(event("DocumentReference/d1"), "Patient/p5"),
                event("https://other.example/fhir/Patient/p6"));
        for (AuditEvent e : events) {
            ResourceStore.AuditEntry row = ResourceStore.AuditEntry.of(e, (id, at) -> "{}");
            IndexRows indexed = indexer.index(e);
            assertThat(row.patients()).as("compartments of %s", row.entities()).containsExactlyInAnyOrderElementsOf(indexed.compartments);
            assertThat(row.patients().isEmpty() ? null : row.patients().get(0)).isEqualTo(indexed.patientId);
            List<String> entityRows = indexed.references.stream().filter(r -> r.param().equals("entity"))
                    .map(r -> r.targetType() == null ? r.url() : r.targetType() + "/" + r.targetId()).toList();
            assertThat(row.entities().stream().filter(x -> !x.contains("://")).toList()).containsExactlyInAnyOrderElementsOf(
                    entityRows.stream().filter(x -> !x.contains("://")).toList());
        }
    }

    @Test
    void rowWhenReadThenSearchColumnsComeFromTheModel() {
        AuditEvent e = event("Observation/o1", "Patient/p1");
        e.getAgentFirstRep().setAltId("client-7").getNetwork().setAddress("127.0.0.1");
        ResourceStore.AuditEntry row = ResourceStore.AuditEntry.of(e, (id, at) -> "{}");
        assertThat(row.subtype()).isEqualTo("read");
        assertThat(row.action()).isEqualTo("R");
        assertThat(row.outcome()).isEqualTo("0");
        assertThat(row.clientId()).isEqualTo("client-7");
        assertThat(row.address()).isEqualTo("127.0.0.1");
        assertThat(row.recorded()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
    }

    private static AuditEvent event(String... what) {
        AuditEvent e = new AuditEvent();
        e.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", null));
        e.addSubtype(new Coding(AuditTrail.INTERACTION, "read", null));
        e.setAction(AuditEvent.AuditEventAction.R);
        e.setOutcome(AuditEvent.AuditEventOutcome._0);
        e.setRecorded(Date.from(Instant.parse("2026-01-02T03:04:05Z")));
        e.addAgent().setRequestor(true).getWho().getIdentifier().setSystem("https://issuer.example").setValue("app");
        for (String w : what) {
            e.addEntity().setWhat(new Reference(w));
        }
        return e;
    }

    private static AuditEvent agentPatient(AuditEvent e, String patient) {
        e.addAgent().setRequestor(false).setWho(new Reference(patient));
        return e;
    }

    /** Version 7 UUIDs: unique, of version 7 and the RFC variant, and sorting as text in the order of their time. */
    @Test
    void newIdWhenMintedThenUniqueVersion7AndSortedByTime() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        String latestOfEarlierMilliseconds = "";
        String latest = "";
        Instant at = Instant.parse("2026-12-06T10:00:00Z");
        for (int i = 0; i < 20_000; i++) {
            if (i % 10 == 0) {
                latestOfEarlierMilliseconds = latest;
            }
            Instant now = at.plusMillis(i / 10); // ten a millisecond, as a batch shares its time
            String id = AuditTrail.newId(now);
            java.util.UUID uuid = java.util.UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(7);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(uuid.getMostSignificantBits() >>> 16).isEqualTo(now.toEpochMilli());
            assertThat(seen.add(id)).as("unique: %s", id).isTrue();
            assertThat(id).as("sorts after every id of an earlier millisecond").isGreaterThan(latestOfEarlierMilliseconds);
            latest = id.compareTo(latest) > 0 ? id : latest;
        }
    }
}
