package org.overturn.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;
import org.overturn.store.ResourceStore;

/**
 * The audit trail's JSON is written by hand for speed ({@link AuditEvents#json}); HAPI's model of the same request
 * ({@link AuditEvents#of}) is the reference it must equal, for every kind of request the trail records.
 */
class AuditEventsTest {
    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final Instant AT = Instant.parse("2026-12-05T18:30:19.627Z");

    static List<AuditRecord> requests() {
        return List.of(
                new AuditRecord(AT, "GET", "Observation/7", null, 200, "https://auth.test", "user-1", "app-1", "p1",
                        "127.0.0.1", "req-1", null),
                new AuditRecord(AT, "GET", "Observation", "patient=Patient/p2&code=http://loinc.org|76042-8&_count=5", 200,
                        "https://auth.test", "user-1", null, null, null, null, null),
                new AuditRecord(AT.plusMillis(1), "POST", "Observation", null, 201, "https://auth.test", "svc", "svc", null,
                        "10.0.0.2", "req-3", "Observation/9"),
                new AuditRecord(AT, "PUT", "Patient/p3", null, 200, null, "development", null, null, null, null, "Patient/p3"),
                new AuditRecord(AT, "DELETE", "Task/t1", null, 404, "https://auth.test", "user-2", "app-2", "p1", null, null, null),
                new AuditRecord(AT, "POST", "Claim/$submit", null, 500, "https://auth.test", "svc", "svc", null, null, "r5", null),
                new AuditRecord(AT, "GET", "Patient/p1/_history/2", null, 200, "https://auth.test", "u", null, null, null, null, null),
                new AuditRecord(AT, "GET", "_history", "_since=2026-01-01", 403, "https://auth.test", "u", null, null, null, null, null),
                new AuditRecord(AT, "POST", "", null, 200, "https://auth.test", "u", "a", null, null, null, null),
                new AuditRecord(AT, "POST", "cds-services/overturn-order-sign", null, 200, null, "https://ehr.test", null, "p4",
                        "192.168.1.9", null, null),
                new AuditRecord(AT, "GET", "Observation/7", null, 401, null, "unauthenticated", null, null, "203.0.113.5", null, null),
                // The token's patient is not the one read: both are named, the one read first.
                new AuditRecord(AT, "GET", "Patient/p6", "_elements=id", 200, "https://auth.test", "u", "a", "p1", null, null, null),
                new AuditRecord(Instant.parse("2026-12-05T18:30:19Z"), "POST", "Observation/_search",
                        "subject=Patient%2Fp5&note=\"quoted\" \\ back", 200, "https://auth.test", "u", null, null, null, null, null),
                new AuditRecord(AT, "GET", "Patient/p7/Observation", "code=2345-7", 200, "https://auth.test", "u", null, null,
                        null, null, null),
                new AuditRecord(AT, "POST", "Patient/p7/Condition/_search", null, 200, "https://auth.test", "u", null, "p7",
                        null, null, null));
    }

    /** A compartment search reads the compartment's patient: a search, never a create, with the patient as entity. */
    @Test
    void interactionWhenACompartmentSearchThenASearchOfThatPatientsRecords() {
        for (String method : List.of("GET", "POST")) {
            String path = method.equals("GET") ? "Patient/p7/Observation" : "Patient/p7/Observation/_search";
            AuditEvents.Interaction i = AuditEvents.Interaction.of(method, path, null);
            assertThat(i.code()).as(path).isEqualTo("search-type");
            assertThat(i.action()).as(path).isEqualTo(AuditEvent.AuditEventAction.R);
            assertThat(i.resource()).as(path).isEqualTo("Patient/p7");
        }
        assertThat(AuditEvents.Interaction.of("POST", "Observation/_search", null).resource()).isNull();
        assertThat(AuditEvents.Interaction.of("GET", "Patient/p7/_history", null).code()).isEqualTo("history-instance");
        assertThat(AuditEvents.Interaction.of("POST", "Patient/p7/$summary", null).code()).isEqualTo("operation");
    }

    @Test
    void jsonWhenParsedThenEqualsTheModelOfTheSameRequest() {
        for (AuditRecord r : requests()) {
            Instant updated = AT.plusSeconds(3);
            AuditEvent expected = AuditEvents.of(r);
            expected.setId("a-1");
            expected.getMeta().setVersionId("1").setLastUpdated(Date.from(updated));
            AuditEvent parsed = CTX.newJsonParser().parseResource(AuditEvent.class, AuditEvents.json(r, "a-1", updated));
            // Compared as HAPI writes each after parsing: every element and value, whatever order the hand-written
            // JSON uses.
            String want = CTX.newJsonParser().encodeResourceToString(expected);
            String got = CTX.newJsonParser().encodeResourceToString(parsed);
            assertThat(got).as(r.method() + " " + r.path()).isEqualTo(want);
        }
    }

    /** The columns the writer builds from the record are the ones the model's elements give (the store's definition). */
    @Test
    void entryWhenBuiltFromTheRecordThenSameColumnsAsReadOffTheModel() {
        for (AuditRecord r : requests()) {
            ResourceStore.AuditEntry fromRecord = AuditEvents.entry(r);
            ResourceStore.AuditEntry fromModel = ResourceStore.AuditEntry.of(AuditEvents.of(r), (id, at) -> "");
            String what = r.method() + " " + r.path();
            assertThat(fromRecord.recorded()).as(what).isEqualTo(fromModel.recorded());
            assertThat(fromRecord.patients()).as(what).isEqualTo(fromModel.patients());
            assertThat(fromRecord.entities()).as(what).isEqualTo(fromModel.entities());
            // The trail searches patients among the entities (V16): every patient the writer names is one.
            assertThat(fromRecord.entities()).as(what)
                    .containsAll(fromRecord.patients().stream().map(p -> "Patient/" + p).toList());
            assertThat(fromRecord.subtype()).as(what).isEqualTo(fromModel.subtype());
            assertThat(fromRecord.action()).as(what).isEqualTo(fromModel.action());
            assertThat(fromRecord.outcome()).as(what).isEqualTo(fromModel.outcome());
            assertThat(fromRecord.clientId()).as(what).isEqualTo(fromModel.clientId());
            assertThat(fromRecord.address()).as(what).isEqualTo(fromModel.address());
            assertThat(fromRecord.json().encode("a-1", AT)).as(what).isEqualTo(AuditEvents.json(r, "a-1", AT));
        }
    }

    @Test
    void instantsAreWrittenAsTheFormatterWritesThem() {
        var pattern = java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxxx");
        for (String zone : List.of("UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "America/St_Johns")) {
            java.time.ZoneId id = java.time.ZoneId.of(zone);
            for (Instant at : List.of(AT, Instant.parse("2026-03-08T06:59:59.999Z"), Instant.parse("2026-03-08T07:00:00Z"),
                    Instant.parse("2026-11-01T05:30:00.005Z"), Instant.parse("0999-01-02T03:04:05.060Z"),
                    Instant.parse("1969-12-31T23:59:59.999Z"))) {
                assertThat(AuditEvents.instant(at, id)).as(zone + " " + at).isEqualTo(pattern.withZone(id).format(at));
            }
        }
    }
}
