package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every search parameter kind, its common modifiers and prefixes, paging, sorting, _include/_revinclude and _total. */
public interface SearchContract extends FhirHttp {

    default String patientNamed(String family, String given, String birthDate, String city) {
        return create("Patient", """
                {"resourceType":"Patient","name":[{"family":"%s","given":["%s"]}],"birthDate":"%s","gender":"female",
                 "address":[{"city":"%s","state":"CA"}],"identifier":[{"system":"http://overturn.example.org/mrn","value":"%s"}]}
                """.formatted(family, given, birthDate, city, family));
    }

    default String observation(String patientId, String loinc, String effective, String quantity) {
        return create("Observation", """
                {"resourceType":"Observation","status":"final",
                 "code":{"coding":[{"system":"http://loinc.org","code":"%s","display":"Test %s"}],"text":"Lab %s"},
                 "subject":{"reference":"Patient/%s"},"effectiveDateTime":"%s",
                 "valueQuantity":{"value":%s,"unit":"%%","system":"http://unitsofmeasure.org","code":"%%"}}
                """.formatted(loinc, loinc, loinc, patientId, effective, quantity));
    }

    static List<String> ids(Response r) {
        List<String> ids = new ArrayList<>();
        for (JsonNode e : r.json().path("entry")) {
            if ("match".equals(e.path("search").path("mode").asText())) {
                ids.add(e.path("resource").path("id").asText());
            }
        }
        return ids;
    }

    @Test
    default void stringSearchWhenPrefixExactOrContainsThenMatchesCaseAndAccentInsensitively() {
        String u = unique();
        String a = patientNamed("Zoë" + u, "Ana", "1980-01-01", "Fresno");
        String b = patientNamed("Zoe" + u + "x", "Bea", "1980-01-01", "Fresno");
        assertThat(ids(get("Patient?family=zoe" + u))).containsExactlyInAnyOrder(a, b);
        assertThat(ids(get("Patient?family:exact=Zoë" + u))).containsExactly(a);
        assertThat(ids(get("Patient?family:contains=" + u + "X"))).containsExactly(b);
        assertThat(ids(get("Patient?name=zoe" + u + "&given=bea"))).containsExactly(b);
        assertThat(ids(get("Patient?family=zoe" + u + "&address-city=fres"))).hasSize(2);
    }

    @Test
    default void tokenSearchWhenSystemCodeOrNotOrTextThenMatches() {
        String u = unique();
        String p = patientNamed("Tok" + u, "T", "1990-05-05", "Ohio");
        String alk = observation(p, "76042-8", "2025-03-01", "1");
        String ecog = observation(p, "89247-1", "2025-03-02", "1");
        assertThat(ids(get("Observation?subject=Patient/" + p + "&code=http://loinc.org|76042-8"))).containsExactly(alk);
        assertThat(ids(get("Observation?subject=Patient/" + p + "&code=http%3A%2F%2Floinc.org%7C76042-8"))).containsExactly(alk);
        assertThat(ids(get("Observation?subject=Patient/" + p + "&code=76042-8"))).containsExactly(alk);
        assertThat(ids(get("Observation?subject=Patient/" + p + "&code=http://loinc.org|"))).hasSize(2);
        assertThat(ids(get("Observation?subject=Patient/" + p + "&code=http://snomed.info/sct|76042-8"))).isEmpty();
        assertThat(ids(get("Observation?subject=Patient/" + p + "&code=76042-8,89247-1"))).hasSize(2);
        assertThat(ids(get("Observation?subject=Patient/" + p + "&code:not=76042-8"))).containsExactly(ecog);
        assertThat(ids(get("Observation?subject=Patient/" + p + "&code:text=lab%208924"))).containsExactly(ecog);
        assertThat(ids(get("Patient?identifier=http://overturn.example.org/mrn|Tok" + u))).containsExactly(p);
        assertThat(ids(get("Patient?_id=" + p))).containsExactly(p);
        assertThat(ids(get("Observation?subject=Patient/" + p + "&status=final"))).hasSize(2);
    }

    @Test
    default void tokenTextSearchWhenTheValueStartsTheTextOrDisplayThenMatchesNotWhenItIsInside() {
        // ":text" processes the value as a string search (R4 search.html#token): the start of CodeableConcept.text or
        // Coding.display, case- and accent-insensitively; a word inside it is ":contains" territory, which tokens lack.
        String u = unique();
        String p = patientNamed("Txt" + u, "T", "1990-05-05", "Ohio");
        String height = create("Observation", """
                {"resourceType":"Observation","status":"final","subject":{"reference":"Patient/%s"},
                 "code":{"coding":[{"system":"http://loinc.org","code":"8302-2","display":"Body height"}],"text":"Hé%s"}}
                """.formatted(p, u));
        String scope = "Observation?subject=Patient/" + p;
        assertThat(ids(get(scope + "&code:text=body"))).containsExactly(height);
        assertThat(ids(get(scope + "&code:text=BODY%20HEI"))).containsExactly(height);
        assertThat(ids(get(scope + "&code:text=he" + u))).containsExactly(height);
        assertThat(ids(get(scope + "&code:text=height"))).isEmpty();
    }

    @Test
    default void referenceSearchWhenIdTypedOrChainedThenMatches() {
        String u = unique();
        String p = patientNamed("Ref" + u, "R", "1990-05-05", "Macon");
        String other = patientNamed("Other" + u, "O", "1990-05-05", "Macon");
        String obs = observation(p, "76042-8", "2025-03-01", "1");
        observation(other, "76042-8", "2025-03-01", "1");
        assertThat(ids(get("Observation?patient=" + p))).containsExactly(obs);
        assertThat(ids(get("Observation?patient=Patient/" + p))).containsExactly(obs);
        assertThat(ids(get("Observation?subject:Patient=" + p))).containsExactly(obs);
        assertThat(ids(get("Observation?subject=" + base() + "/Patient/" + p))).containsExactly(obs);
        assertThat(ids(get("Observation?subject.family=Ref" + u))).containsExactly(obs);
        assertThat(ids(get("Observation?patient:missing=false&subject.family=Ref" + u))).containsExactly(obs);
    }

    @Test
    default void referenceSearchWhenTheReferenceIsAbsoluteToAnotherServerThenOnlyItsUrlMatches() {
        String u = unique();
        String p = patientNamed("Abs" + u, "A", "1990-05-05", "Macon");
        String local = observation(p, "76042-8", "2025-03-01", "1");
        String ehrPatient = "https://ehr.example.org/fhir/Patient/" + p;
        String remote = create("Observation", """
                {"resourceType":"Observation","status":"final","code":{"text":"ALK"},"subject":{"reference":"%s"}}
                """.formatted(ehrPatient));
        // The EHR's patient with the same id is another person: nothing about them is found under the local one.
        assertThat(ids(get("Observation?subject=Patient/" + p))).containsExactly(local);
        assertThat(ids(get("Observation?patient=" + p))).containsExactly(local);
        assertThat(ids(get("Observation?subject=" + base() + "/Patient/" + p))).containsExactly(local);
        assertThat(ids(get("Observation?subject=" + ehrPatient))).containsExactly(remote);
        assertThat(ids(get("Observation?patient=" + ehrPatient))).containsExactly(remote);
        Response withObservations = get("Patient?_id=" + p + "&_revinclude=Observation:subject");
        assertThat(withObservations.json().path("entry").findValuesAsText("id")).contains(local).doesNotContain(remote);
    }

    @Test
    default void dateSearchWhenPrefixesThenFollowsPrecisionRanges() {
        String u = unique();
        String p = patientNamed("Date" + u, "D", "1975-06-15", "Dayton");
        String march = observation(p, "1-1", "2025-03-10T10:00:00Z", "1");
        String april = observation(p, "1-1", "2025-04-20", "1");
        String scope = "Observation?subject=Patient/" + p;
        assertThat(ids(get(scope + "&date=2025-03"))).containsExactly(march);
        assertThat(ids(get(scope + "&date=2025"))).containsExactlyInAnyOrder(march, april);
        assertThat(ids(get(scope + "&date=gt2025-03-31"))).containsExactly(april);
        assertThat(ids(get(scope + "&date=lt2025-04-01"))).containsExactly(march);
        assertThat(ids(get(scope + "&date=ge2025-04-20"))).containsExactly(april);
        assertThat(ids(get(scope + "&date=le2025-03-10"))).containsExactly(march);
        assertThat(ids(get(scope + "&date=ne2025-03"))).containsExactly(april);
        assertThat(ids(get(scope + "&date=ge2025-03-01&date=le2025-03-31"))).containsExactly(march);
        assertThat(ids(get(scope + "&date=sa2025-03-31"))).containsExactly(april);
        assertThat(ids(get(scope + "&date=eb2025-04-01"))).containsExactly(march);
        assertThat(ids(get(scope + "&date=2025-03-10T10:00:00%2B00:00"))).containsExactly(march);
        assertThat(ids(get("Patient?birthdate=1975-06-15&family=Date" + u))).containsExactly(p);
        assertThat(ids(get("Patient?birthdate=ge1975-06-16&family=Date" + u))).isEmpty();
        assertThat(ids(get(scope + "&_lastUpdated=gt2000-01-01"))).hasSize(2);
        assertThat(ids(get(scope + "&_lastUpdated=lt2000-01-01"))).isEmpty();
    }

    @Test
    default void totalWhenMorePagesFollowThenItIsTheCountOfAllMatchesOrMarkedUnknownNeverThePageSize() {
        String u = unique();
        for (int i = 0; i < 3; i++) {
            patientNamed("Total" + u, "T" + i, "1980-01-0" + (i + 1), "Troy");
        }
        JsonNode firstPage = get("Patient?family=Total" + u + "&_count=2").json();
        assertThat(firstPage.path("entry")).hasSize(2);
        assertThat(firstPage.has("total")).as("a page size is not a total").isFalse();
        assertThat(firstPage.path("_total").path("extension").get(0).path("valueCode").asText()).isEqualTo("unknown");
        assertThat(get("Patient?family=Total" + u + "&_count=2&_total=accurate").json().path("total").asInt()).isEqualTo(3);
        assertThat(get("Patient?family=Total" + u + "&_count=5").json().path("total").asInt()).as("one page: known").isEqualTo(3);
    }

    /** Overturn's own search parameter (fhir-profiles): Task.restriction.period.end, what is due by a date. */
    @Test
    default void taskDeadlineSearchWhenDueByADateThenListsThoseTasksSortedByDeadline() {
        String u = unique();
        java.util.function.BiFunction<String, String, String> task = (status, end) -> create("Task", "{\"resourceType\":\"Task\","
                + "\"status\":\"" + status + "\",\"intent\":\"order\",\"description\":\"deadline-" + u + "\","
                + "\"identifier\":[{\"system\":\"urn:test:deadline\",\"value\":\"" + u + "\"}],"
                + "\"restriction\":{\"period\":{\"start\":\"2026-06-01\",\"end\":\"" + end + "\"}}}");
        String late = task.apply("requested", "2027-03-01T17:00:00-08:00");
        String soon = task.apply("requested", "2026-12-20");
        String done = task.apply("completed", "2026-12-10");
        String scope = "Task?identifier=urn:test:deadline|" + u;
        assertThat(ids(get(scope + "&deadline=le2026-12-31&status=requested"))).containsExactly(soon);
        assertThat(ids(get(scope + "&deadline=le2026-12-31"))).containsExactlyInAnyOrder(soon, done);
        assertThat(ids(get(scope + "&deadline=gt2027-01-01"))).containsExactly(late);
        assertThat(ids(get(scope + "&_sort=deadline"))).containsExactly(done, soon, late);
        assertThat(ids(get(scope + "&_sort=-deadline"))).containsExactly(late, soon, done);
        JsonNode taskParams = null;
        for (JsonNode r : get("metadata").json().path("rest").get(0).path("resource")) {
            if (r.path("type").asText().equals("Task")) {
                taskParams = r.path("searchParam");
            }
        }
        assertThat(taskParams).isNotNull();
        assertThat(taskParams.toString()).contains("http://overturn.example.org/fhir/SearchParameter/task-deadline");
    }

    /**
     * Overturn's composite status-deadline (fhir-profiles), which also answers status=...&deadline=...: the same
     * matches as the two criteria checked one by one, in deadline order with ties by id, page after page, and kept
     * current when a Task's status changes.
     */
    @Test
    default void taskStatusDeadlineWhenBothGivenThenSameMatchesInDeadlineOrderTiesById() {
        String u = unique();
        java.util.function.BiFunction<String, String, String> task = (status, end) -> create("Task", "{\"resourceType\":\"Task\","
                + "\"status\":\"" + status + "\",\"intent\":\"order\","
                + "\"identifier\":[{\"system\":\"urn:test:status-deadline\",\"value\":\"" + u + "\"}]"
                + (end == null ? "" : ",\"restriction\":{\"period\":{\"end\":\"" + end + "\"}}") + "}");
        String tieA = task.apply("requested", "2026-12-20");
        String first = task.apply("requested", "2026-12-05");
        String tieB = task.apply("requested", "2026-12-20");
        String completed = task.apply("completed", "2026-12-01");
        String later = task.apply("requested", "2027-02-01");
        String undated = task.apply("requested", null);
        List<String> ties = new ArrayList<>(List.of(tieA, tieB));
        ties.sort(null);
        String scope = "Task?identifier=urn:test:status-deadline|" + u;

        String due = scope + "&status=requested&deadline=le2026-12-31&_sort=deadline";
        assertThat(ids(get(due))).containsExactly(first, ties.get(0), ties.get(1));
        Response page1 = get(due + "&_count=2");
        assertThat(ids(page1)).containsExactly(first, ties.get(0));
        String next = null;
        for (JsonNode link : page1.json().path("link")) {
            if (link.path("relation").asText().equals("next")) {
                next = link.path("url").asText();
            }
        }
        assertThat(next).as("a next link").isNotNull();
        assertThat(ids(get(next))).containsExactly(ties.get(1));
        assertThat(ids(get(scope + "&status=requested&deadline=le2027-12-31&_sort=-deadline")))
                .containsExactly(later, ties.get(0), ties.get(1), first);
        assertThat(ids(get(scope + "&status=requested,completed&deadline=le2026-12-05")))
                .containsExactlyInAnyOrder(first, completed);
        assertThat(ids(get(scope + "&status=requested&_sort=deadline")))
                .as("without a deadline criterion, the undated Task comes last")
                .containsExactly(first, ties.get(0), ties.get(1), later, undated);

        assertThat(ids(get(scope + "&status-deadline=requested$le2026-12-31"))).containsExactlyInAnyOrder(first, tieA, tieB);
        assertThat(ids(get(scope + "&status-deadline=http://hl7.org/fhir/task-status|completed$le2026-12-31")))
                .containsExactly(completed);
        assertThat(ids(get(scope + "&status-deadline=requested$gt2027-01-01"))).containsExactly(later);

        Response current = get("Task/" + first);
        String changed = current.body().replace("\"status\":\"requested\"", "\"status\":\"cancelled\"");
        assertThat(put("Task/" + first, changed).status()).isEqualTo(200);
        assertThat(ids(get(due))).containsExactly(ties.get(0), ties.get(1));
        assertThat(ids(get(scope + "&status-deadline=cancelled$le2026-12-31"))).containsExactly(first);

        Response noDate = get(scope + "&status-deadline=requested");
        assertThat(noDate.status()).isEqualTo(400);
        assertThat(noDate.body()).contains("OperationOutcome").contains("token$date");
        assertThat(get(scope + "&_sort=status-deadline").status()).isEqualTo(400);
    }

    @Test
    default void quantitySearchWhenPrefixesAndUnitsThenMatches() {
        String u = unique();
        String p = patientNamed("Qty" + u, "Q", "1975-06-15", "Athens");
        String low = observation(p, "14017-8", "2025-01-01", "20");
        String high = observation(p, "14017-8", "2025-01-02", "87");
        String scope = "Observation?subject=Patient/" + p;
        assertThat(ids(get(scope + "&value-quantity=87"))).containsExactly(high);
        assertThat(ids(get(scope + "&value-quantity=gt50"))).containsExactly(high);
        assertThat(ids(get(scope + "&value-quantity=le20"))).containsExactly(low);
        assertThat(ids(get(scope + "&value-quantity=87|http://unitsofmeasure.org|%25"))).containsExactly(high);
        assertThat(ids(get(scope + "&value-quantity=87||%25"))).containsExactly(high);
        assertThat(ids(get(scope + "&value-quantity=87|http://unitsofmeasure.org|mg"))).isEmpty();
        assertThat(ids(get(scope + "&value-quantity=ap85"))).containsExactly(high);
    }

    /**
     * FHIR R4 search.html#quantity: a search in UCUM units matches quantities stated in other units of the same
     * dimension (1.6 g/L is above 150 mg/dL), each bound of the implicit range converted; a search by number alone, a
     * search in the unit as written and a sort still see the values as written, never their canonical copies.
     */
    @Test
    default void quantitySearchWhenStatedInAnotherUcumUnitThenComparedInCanonicalUnits() {
        String u = unique();
        String p = patientNamed("Ucum" + u, "U", "1968-03-03", "Macon");
        String grams = labValue(p, "1.6", "g/L");
        String milligrams = labValue(p, "140", "mg/dL");
        String millimoles = labValue(p, "7", "mmol/L");
        String celsius = labValue(p, "37", "Cel");
        String scope = "Observation?subject=Patient/" + p + "&value-quantity=";
        String ucum = "|http://unitsofmeasure.org|";
        assertThat(ids(get(scope + "gt150" + ucum + "mg/dL"))).containsExactly(grams);
        assertThat(ids(get(scope + "lt150" + ucum + "mg/dL"))).containsExactly(milligrams);
        assertThat(ids(get(scope + "160" + ucum + "mg/dL"))).as("[159.5, 160.5) mg/dL holds 1.6 g/L").containsExactly(grams);
        assertThat(ids(get(scope + "1.4" + ucum + "g/L"))).containsExactly(milligrams);
        assertThat(ids(get(scope + "ne1.4" + ucum + "g/L"))).containsExactly(grams);
        assertThat(ids(get(scope + "7000" + ucum + "umol/L"))).containsExactly(millimoles);
        assertThat(ids(get(scope + "1600" + ucum + "g.m-3"))).as("asked in the canonical unit itself").containsExactly(grams);
        assertThat(ids(get(scope + "gt0" + ucum + "kg"))).as("another dimension").isEmpty();
        assertThat(ids(get(scope + "37" + ucum + "Cel"))).as("a unit with an offset, in its own code").containsExactly(celsius);
        assertThat(ids(get(scope + "1600"))).as("a number alone: the values as written").isEmpty();
        assertThat(ids(get(scope + "1.6"))).containsExactly(grams);
        assertThat(ids(get("Observation?subject=Patient/" + p + "&_sort=value-quantity"))).as("sorted as written")
                .containsExactly(grams, millimoles, celsius, milligrams);
    }

    private String labValue(String patientId, String value, String unit) {
        return create("Observation", """
                {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"2345-7"}]},
                 "subject":{"reference":"Patient/%s"},"effectiveDateTime":"2025-03-01",
                 "valueQuantity":{"value":%s,"unit":"%s","system":"http://unitsofmeasure.org","code":"%s"}}
                """.formatted(patientId, value, unit, unit));
    }

    /**
     * FHIR R4 search.html#has: {@code _has:[type]:[reference parameter]:[parameter]} selects the resources that a
     * resource of that type matching the parameter points to; a reference parameter that never points to the searched
     * type, an unknown type or parameter, or a malformed key is a 400; a condition cannot use it.
     */
    @Test
    default void hasWhenAReferringResourceMatchesThenTheResourceItPointsToMatches() {
        String u = unique();
        String family = "Has" + u;
        String blast = patientNamed(family, "B", "1961-01-01", "Athens");
        String glucose = patientNamed(family, "G", "1962-02-02", "Athens");
        String none = patientNamed(family, "N", "1963-03-03", "Athens");
        String high = observation(blast, "14017-8", "2025-01-01", "87");
        observation(glucose, "2345-7", "2025-01-02", "5");
        observation(glucose, "14017-8", "2025-01-03", "12");
        String patients = "Patient?family=" + family + "&";
        assertThat(ids(get(patients + "_has:Observation:patient:code=14017-8"))).containsExactlyInAnyOrder(blast, glucose);
        assertThat(ids(get(patients + "_has:Observation:subject:code=http://loinc.org|2345-7"))).containsExactly(glucose);
        assertThat(ids(get(patients + "_has:Observation:patient:value-quantity=gt50"))).containsExactly(blast);
        assertThat(ids(get(patients + "_has:Observation:patient:code=2345-7,99999-9"))).as("OR within one").containsExactly(glucose);
        assertThat(ids(get(patients + "_has:Observation:patient:code=14017-8&_has:Observation:patient:code=2345-7")))
                .as("AND across two, each by its own Observation").containsExactly(glucose);
        assertThat(ids(get(patients + "_has:Observation:patient:code=99999-9"))).isEmpty();
        assertThat(ids(get(patients + "_has:Observation:patient:subject.birthdate=1961-01-01"))).as("a chain inside").containsExactly(blast);
        // nested: the patients of an Observation that a final DiagnosticReport lists as a result
        create("DiagnosticReport", """
                {"resourceType":"DiagnosticReport","status":"final","code":{"text":"Flow cytometry"},
                 "subject":{"reference":"Patient/%s"},"result":[{"reference":"Observation/%s"}]}""".formatted(blast, high));
        assertThat(ids(get(patients + "_has:Observation:patient:_has:DiagnosticReport:result:status=final"))).containsExactly(blast);
        assertThat(ids(get(patients + "_has:Observation:patient:code:not=14017-8"))).as("a modifier inside").containsExactly(glucose);
        assertThat(ids(get(patients + "_id=" + none + "&_has:Observation:patient:code=14017-8"))).isEmpty();

        assertThat(get(patients + "_has:Observation:code:code=1").assertOutcome(400)).isEqualTo("OVT-400-SEARCH");
        assertThat(get(patients + "_has:Nothing:patient:code=1").assertOutcome(400)).isEqualTo("OVT-400-SEARCH");
        assertThat(get(patients + "_has:Observation:patient=1").assertOutcome(400)).isEqualTo("OVT-400-SEARCH");
        assertThat(get(patients + "_has:Observation:patient:nonsense=1").assertOutcome(400)).isEqualTo("OVT-400-SEARCH");
        assertThat(get("Practitioner?_has:Condition:subject:code=1").assertOutcome(400)).isEqualTo("OVT-400-SEARCH");
        // AuditEvents keep their references in a table of their own: refused, never a silent empty answer
        Response audit = get(patients + "_has:AuditEvent:patient:action=R");
        assertThat(audit.assertOutcome(400)).isEqualTo("OVT-400-SEARCH-UNSUPPORTED");
        assertThat(audit.body()).contains("AuditEvent?entity=");
        assertThat(get(patients + "_revinclude=AuditEvent:patient").assertOutcome(400)).isEqualTo("OVT-400-SEARCH-UNSUPPORTED");
        Response conditional = post("Patient", """
                {"resourceType":"Patient","name":[{"family":"%s"}]}""".formatted(family),
                "If-None-Exist", "_has:Observation:patient:code=14017-8");
        assertThat(conditional.status()).as(conditional.body()).isEqualTo(400);
        assertThat(conditional.body()).contains("_has");
    }

    /**
     * FHIR R4 search.html#compartments and http.html#vsearch: {@code GET Patient/[id]/[type]} finds every member of the
     * patient's compartment by any of R4's compartment parameters (an Observation's subject or performer), with the
     * type's other parameters and paging; the same as {@code POST .../_search} and inside a batch. What cannot be
     * narrowed to a Patient compartment is refused with an OperationOutcome.
     */
    @Test
    default void compartmentSearchWhenPatientIdAndTypeThenEveryMemberOfThatPatientsCompartment() {
        String u = unique();
        String ann = patientNamed("Comp" + u, "Ann", "1950-05-05", "Dayton");
        String bob = patientNamed("Comp" + u, "Bob", "1951-06-06", "Dayton");
        String annGlucose = observation(ann, "2345-7", "2025-01-01", "5");
        String annBlasts = observation(ann, "14017-8", "2025-01-02", "12");
        observation(bob, "2345-7", "2025-01-03", "6");
        // Bob's weight, taken by Ann: in both compartments (subject and performer)
        String weight = create("Observation", """
                {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},
                 "subject":{"reference":"Patient/%s"},"performer":[{"reference":"Patient/%s"}],"effectiveDateTime":"2025-01-04",
                 "valueQuantity":{"value":70,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}}""".formatted(bob, ann));
        String annCondition = create("Condition", """
                {"resourceType":"Condition","subject":{"reference":"Patient/%s"},"code":{"text":"NSCLC"}}""".formatted(ann));

        assertThat(ids(get("Patient/" + ann + "/Observation"))).containsExactlyInAnyOrder(annGlucose, annBlasts, weight);
        assertThat(ids(get("Patient/" + bob + "/Observation?code=29463-7"))).containsExactly(weight);
        assertThat(ids(get("Patient/" + ann + "/Observation?code=2345-7"))).containsExactly(annGlucose);
        assertThat(ids(get("Patient/" + ann + "/Condition"))).containsExactly(annCondition);
        assertThat(ids(get("Patient/" + ann + "/Patient"))).containsExactly(ann);
        assertThat(ids(get("Patient/nobody" + u + "/Observation"))).isEmpty();
        Response counted = get("Patient/" + ann + "/Observation?_summary=count");
        assertThat(counted.json().path("total").asInt()).isEqualTo(3);
        // paging repeats the compartment path
        Response first = get("Patient/" + ann + "/Observation?_sort=date&_count=2");
        assertThat(ids(first)).containsExactly(annGlucose, annBlasts);
        String next = null;
        for (JsonNode link : first.json().path("link")) {
            if (link.path("relation").asText().equals("next")) {
                next = link.path("url").asText();
            }
        }
        assertThat(next).contains("/Patient/" + ann + "/Observation?");
        assertThat(ids(get(next))).containsExactly(weight);
        Response posted = send("POST", "Patient/" + ann + "/Observation/_search", "application/x-www-form-urlencoded",
                "code=14017-8");
        assertThat(ids(posted)).containsExactly(annBlasts);
        Response batch = post("", """
                {"resourceType":"Bundle","type":"batch","entry":[
                 {"request":{"method":"GET","url":"Patient/%s/Observation?code=29463-7"}},
                 {"request":{"method":"GET","url":"Patient/%s/Organization"}}]}""".formatted(ann, ann));
        assertThat(batch.status()).isEqualTo(200);
        JsonNode entries = batch.json().path("entry");
        assertThat(entries.get(0).path("response").path("status").asText()).startsWith("200");
        assertThat(entries.get(0).path("resource").path("entry")).hasSize(1);
        assertThat(entries.get(0).path("resource").path("entry").get(0).path("resource").path("id").asText()).isEqualTo(weight);
        assertThat(entries.get(1).path("response").path("status").asText()).startsWith("400");

        assertThat(get("Patient/" + ann + "/Organization").assertOutcome(400)).isEqualTo("OVT-400-SEARCH-UNSUPPORTED");
        assertThat(get("Patient/" + ann + "/*").assertOutcome(400)).isEqualTo("OVT-400-SEARCH-UNSUPPORTED");
        assertThat(get("Practitioner/x/Observation").assertOutcome(400)).isEqualTo("OVT-400-SEARCH-UNSUPPORTED");
        assertThat(get("Patient/" + ann + "/Nothing").assertOutcome(404)).isEqualTo("OVT-404-TYPE");
        assertThat(get("Patient/" + ann + "/Observation?nonsense=1").assertOutcome(400)).isEqualTo("OVT-400-SEARCH");
    }

    /**
     * FHIR R4 search.html#composite with R4's own Observation composites: {@code token$value}, both parts from the same
     * element, the Observation itself (code-value-*), one of its components (component-code-value-*) or either
     * (combo-code-value-*); a component's code is never paired with another component's value.
     */
    @Test
    default void compositeSearchWhenCodeAndValueStandTogetherThenMatchesAndNeverAcrossComponents() {
        String u = unique();
        String p = patientNamed("Comp" + u, "C", "1959-09-09", "Canton");
        String glucose = labValue(p, "1.6", "g/L");
        String high = bloodPressure(p, "150", "85");
        String low = bloodPressure(p, "120", "95");
        String alk = create("Observation", """
                {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"78205-2"}]},
                 "subject":{"reference":"Patient/%s"},"effectiveDateTime":"2025-03-01",
                 "valueCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"LA6576-8","display":"Positive"}]}}
                """.formatted(p));
        String fish = create("Observation", """
                {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"78205-2"}]},
                 "subject":{"reference":"Patient/%s"},"effectiveDateTime":"2025-03-02","valueString":"Rearranged by FISH"}
                """.formatted(p));
        String reported = create("Observation", """
                {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"21907-1"}]},
                 "subject":{"reference":"Patient/%s"},"effectiveDateTime":"2025-03-03","valueDateTime":"2024-11-20"}
                """.formatted(p));
        String scope = "Observation?subject=Patient/" + p + "&";
        assertThat(ids(get(scope + "code-value-quantity=http://loinc.org|2345-7$gt150|http://unitsofmeasure.org|mg/dL")))
                .containsExactly(glucose);
        assertThat(ids(get(scope + "code-value-quantity=2345-7$1.6"))).containsExactly(glucose);
        assertThat(ids(get(scope + "code-value-quantity=2345-7$lt1"))).isEmpty();
        assertThat(ids(get(scope + "code-value-quantity=8480-6$gt140"))).as("a component is not the Observation's value").isEmpty();
        assertThat(ids(get(scope + "component-code-value-quantity=http://loinc.org|8480-6$gt140"))).containsExactly(high);
        assertThat(ids(get(scope + "component-code-value-quantity=8462-4$gt90")))
                .as("diastolic above 90: not the Observation whose systolic is").containsExactly(low);
        assertThat(ids(get(scope + "component-code-value-quantity=8480-6$gt140,8462-4$gt90"))).containsExactlyInAnyOrder(high, low);
        assertThat(ids(get(scope + "combo-code-value-quantity=8480-6$gt140"))).containsExactly(high);
        assertThat(ids(get(scope + "combo-code-value-quantity=2345-7$1.6"))).containsExactly(glucose);
        assertThat(ids(get(scope + "code-value-concept=http://loinc.org|78205-2$http://loinc.org|LA6576-8"))).containsExactly(alk);
        assertThat(ids(get(scope + "code-value-concept=78205-2$LA6577-6"))).isEmpty();
        assertThat(ids(get(scope + "code-value-string=78205-2$rearranged"))).containsExactly(fish);
        assertThat(ids(get(scope + "code-value-date=http://loinc.org|21907-1$2024-11"))).containsExactly(reported);
        assertThat(ids(get(scope + "code-value-date=21907-1$gt2025-01-01"))).isEmpty();
        assertThat(ids(get(scope + "code-value-date=78205-2$2025-03-02"))).as("a date not of the value").isEmpty();
        assertThat(ids(get(scope + "code-value-quantity:missing=false&code=2345-7"))).containsExactly(glucose);
        assertThat(get(scope + "code-value-quantity=2345-7").assertOutcome(400)).isEqualTo("OVT-400-SEARCH");
        assertThat(get(scope + "code-value-quantity=$5").assertOutcome(400)).isEqualTo("OVT-400-SEARCH");
    }

    private String bloodPressure(String patientId, String systolic, String diastolic) {
        String component = """
                {"code":{"coding":[{"system":"http://loinc.org","code":"%s"}]},
                 "valueQuantity":{"value":%s,"unit":"mmHg","system":"http://unitsofmeasure.org","code":"mm[Hg]"}}""";
        return create("Observation", """
                {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},
                 "subject":{"reference":"Patient/%s"},"effectiveDateTime":"2025-03-01","component":[%s,%s]}
                """.formatted(patientId, component.formatted("8480-6", systolic), component.formatted("8462-4", diastolic)));
    }

    /** An update rewrites only the index rows that changed: what changed is found by its new value alone. */
    @Test
    default void searchAfterUpdateWhenSomeValuesChangeThenNewValuesMatchOldOnesNotAndUnchangedStill() {
        String u = unique();
        String p = patientNamed("Upd" + u, "U", "1970-02-02", "Dayton");
        String other = patientNamed("Upd" + u + "b", "V", "1970-02-02", "Dayton");
        String id = observation(p, "14017-8", "2025-01-01", "1.0");
        String updated = """
                {"resourceType":"Observation","id":"%s","status":"final",
                 "code":{"coding":[{"system":"http://loinc.org","code":"14017-8","display":"Test 14017-8"}],"text":"Lab 14017-8"},
                 "subject":{"reference":"Patient/%s"},"effectiveDateTime":"2025-06-01",
                 "valueQuantity":{"value":1.00,"unit":"%%","system":"http://unitsofmeasure.org","code":"%%"}}
                """;
        assertThat(put("Observation/" + id, updated.formatted(id, p)).status()).isEqualTo(200);
        String scope = "Observation?subject=Patient/" + p;
        assertThat(ids(get(scope + "&code=http://loinc.org|14017-8"))).containsExactly(id);
        assertThat(ids(get(scope + "&date=2025-06-01"))).containsExactly(id);
        assertThat(ids(get(scope + "&date=2025-01-01"))).isEmpty();
        assertThat(ids(get(scope + "&value-quantity=1.00"))).containsExactly(id);
        // moved to another patient: found there alone, with every value
        assertThat(put("Observation/" + id, updated.formatted(id, other)).status()).isEqualTo(200);
        assertThat(ids(get(scope))).isEmpty();
        assertThat(ids(get("Observation?subject=Patient/" + other + "&code=14017-8&date=2025-06-01"))).containsExactly(id);
        assertThat(ids(get("Observation?patient=" + other + "&value-quantity=1"))).containsExactly(id);
    }

    @Test
    default void pagingWhenMoreThanCountThenNextLinksWalkAllResultsOnce() {
        String u = unique();
        String p = patientNamed("Page" + u, "P", "1975-06-15", "Akron");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(observation(p, "2-2", "2025-01-0" + (i + 1), Integer.toString(i)));
        }
        List<String> seen = new ArrayList<>();
        String url = "Observation?subject=Patient/" + p + "&_count=3&_sort=date";
        int pages = 0;
        while (url != null) {
            Response page = get(url);
            assertThat(page.status()).isEqualTo(200);
            seen.addAll(ids(page));
            pages++;
            url = null;
            for (JsonNode link : page.json().path("link")) {
                if (link.path("relation").asText().equals("next")) {
                    url = link.path("url").asText();
                }
            }
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(created);
    }

    @Test
    default void sortWhenAscendingOrDescendingThenOrdersByParameter() {
        String u = unique();
        String a = patientNamed("Sort" + u + "a", "A", "1990-01-01", "X");
        String b = patientNamed("Sort" + u + "b", "B", "1970-01-01", "X");
        String c = patientNamed("Sort" + u + "c", "C", "1980-01-01", "X");
        assertThat(ids(get("Patient?family=Sort" + u + "&_sort=family"))).containsExactly(a, b, c);
        assertThat(ids(get("Patient?family=Sort" + u + "&_sort=-family"))).containsExactly(c, b, a);
        assertThat(ids(get("Patient?family=Sort" + u + "&_sort=birthdate"))).containsExactly(b, c, a);
        assertThat(ids(get("Patient?family=Sort" + u + "&_sort=-birthdate"))).containsExactly(a, c, b);
    }

    @Test
    default void includeWhenRequestedThenReferencedAndReferencingResourcesAreAdded() {
        String u = unique();
        String p = patientNamed("Inc" + u, "I", "1990-01-01", "X");
        String obs = observation(p, "76042-8", "2025-01-01", "1");
        Response inc = get("Observation?_id=" + obs + "&_include=Observation:subject");
        assertThat(inc.json().path("entry")).hasSize(2);
        assertThat(inc.json().path("entry").get(1).path("search").path("mode").asText()).isEqualTo("include");
        assertThat(inc.json().path("entry").get(1).path("resource").path("id").asText()).isEqualTo(p);

        Response rev = get("Patient?_id=" + p + "&_revinclude=Observation:subject");
        assertThat(rev.json().path("entry")).hasSize(2);
        assertThat(rev.json().path("entry").get(1).path("resource").path("id").asText()).isEqualTo(obs);
        assertThat(rev.json().path("total").asInt()).isEqualTo(1);
    }

    @Test
    default void totalWhenAccurateThenCountedAndSummaryCountGivesOnlyTotal() {
        String u = unique();
        String p = patientNamed("Tot" + u, "T", "1990-01-01", "X");
        for (int i = 0; i < 4; i++) {
            observation(p, "3-3", "2025-01-01", "1");
        }
        Response accurate = get("Observation?subject=Patient/" + p + "&_count=2&_total=accurate");
        assertThat(accurate.json().path("total").asInt()).isEqualTo(4);
        assertThat(ids(accurate)).hasSize(2);
        Response count = get("Observation?subject=Patient/" + p + "&_summary=count");
        assertThat(count.json().path("total").asInt()).isEqualTo(4);
        assertThat(count.json().has("entry")).isFalse();
    }

    @Test
    default void countZeroWhenAskedThenTheTotalAloneAndNoNextLinkToFollow() {
        String u = unique();
        String p = patientNamed("Zero" + u, "Z", "1990-01-01", "X");
        observation(p, "4-4", "2025-01-01", "1");
        observation(p, "4-4", "2025-01-02", "1");
        JsonNode page = get("Observation?subject=Patient/" + p + "&_count=0&_total=accurate").json();
        assertThat(page.path("total").asInt()).isEqualTo(2);
        assertThat(page.has("entry")).isFalse();
        // A next link would name this same empty page again: a client following next links would never stop.
        assertThat(page.path("link").findValuesAsText("relation")).doesNotContain("next");
    }

    @Test
    default void postSearchWhenFormEncodedThenSameAsGet() {
        String u = unique();
        String p = patientNamed("Form" + u, "F", "1990-01-01", "X");
        Response r = send("POST", "Patient/_search", "application/x-www-form-urlencoded", "family=Form" + u);
        assertThat(r.status()).isEqualTo(200);
        assertThat(ids(r)).containsExactly(p);
    }

    @Test
    default void searchWhenUnknownParameterThen400UnlessLenient() {
        assertThat(get("Patient?shoe-size=12").assertOutcome(400)).isEqualTo("OVT-400-SEARCH");
        assertThat(get("Patient?shoe-size=12&_count=1", "Prefer", "handling=lenient").status()).isEqualTo(200);
        assertThat(get("Patient?birthdate=not-a-date").assertOutcome(400)).isEqualTo("OVT-400-SEARCH");
        assertThat(get("Observation?value-quantity=abc").assertOutcome(400)).isEqualTo("OVT-400-SEARCH");
        assertThat(get("Patient?_count=-1").assertOutcome(400)).isEqualTo("OVT-400-SEARCH");
        assertThat(get("Patient?family:below=x").assertOutcome(400)).isEqualTo("OVT-400-SEARCH-UNSUPPORTED");
    }
}
