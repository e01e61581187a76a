package org.overturn.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.overturn.store.ResourceStore;
import org.overturn.store.ResourceTypes;
import org.jspecify.annotations.Nullable;

/**
 * Builds the AuditEvent of one request in the shape of the FHIR basic audit pattern: type "rest" with the RESTful
 * interaction as subtype, the caller as requesting agent (issuer and subject of its token), this server as source,
 * and as entities the resource read or written, the patient concerned when known, and a search's query.
 */
final class AuditEvents {
    static final String INTERACTION = "http://hl7.org/fhir/restful-interaction";
    private static final String EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    private static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    private static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    private static final String SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type";
    private static final String CLIENT_ID = "urn:ietf:params:oauth:client-id";
    /** A patient named by a search's criteria: patient=7, patient=Patient/7, subject=Patient/7, beneficiary=... */
    private static final Pattern PATIENT_CRITERION =
            Pattern.compile("(?:^|&)(?:patient|subject|beneficiary)(?::Patient)?=(?:Patient/|Patient%2F)?([A-Za-z0-9\\-.]{1,64})(?:&|$)");

    private AuditEvents() {}

    static AuditEvent of(AuditRecord r) {
        Interaction interaction = Interaction.of(r.method(), r.path(), r.query());
        AuditEvent event = new AuditEvent();
        event.setType(new Coding(EVENT_TYPE, "rest", "RESTful Operation"));
        event.addSubtype(new Coding(INTERACTION, interaction.code(), null));
        event.setAction(interaction.action());
        event.setRecorded(Date.from(r.recorded()));
        event.setOutcome(outcome(r.status()));
        event.setOutcomeDesc("HTTP " + r.status() + (r.requestId() == null ? "" : ", request " + r.requestId()));

        AuditEvent.AuditEventAgentComponent agent = event.addAgent().setRequestor(true);
        agent.getWho().setIdentifier(new Identifier().setSystem(r.issuer()).setValue(r.subject()));
        if (r.clientId() != null) {
            agent.setAltId(r.clientId());
            agent.addPolicy(CLIENT_ID + ":" + r.clientId());
        }
        if (r.address() != null) {
            agent.getNetwork().setAddress(r.address()).setType(AuditEvent.AuditEventAgentNetworkType._2);
        }
        event.getSource().setSite("Overturn").getObserver().setDisplay("Overturn FHIR server");
        event.getSource().addType(new Coding(SOURCE_TYPE, "4", "Application Server"));

        String resource = interaction.resource() != null ? interaction.resource() : r.written();
        if (resource != null) {
            event.addEntity().setWhat(new Reference(resource))
                    .setType(new Coding(ENTITY_TYPE, "2", "System Object"));
        }
        for (String patient : patients(r, interaction)) {
            event.addEntity().setWhat(new Reference("Patient/" + patient))
                    .setType(new Coding(ENTITY_TYPE, "1", "Person"))
                    .setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
        }
        if (r.path().startsWith("cds-services/")) {
            event.addEntity().setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                    .setDescription("CDS Hooks service " + r.path().substring("cds-services/".length()));
        }
        if (r.query() != null && !r.query().isEmpty()) {
            event.addEntity().setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                    .setDescription(r.method() + " " + r.path())
                    .setQuery(r.query().getBytes(StandardCharsets.UTF_8));
        }
        return event;
    }

    private static final com.fasterxml.jackson.core.JsonFactory JSON = new com.fasterxml.jackson.core.JsonFactory();

    /**
     * The same AuditEvent as {@link #of}, as FHIR JSON with {@code id} and {@code meta}, written directly: the audit
     * trail grows with every request, and HAPI's encoder cost a quarter of the audit writer's time.
     * {@code AuditEventsTest} holds the two equal for every kind of request.
     */
    static String json(AuditRecord r, String id, Instant lastUpdated) {
        return json(r, Interaction.of(r.method(), r.path(), r.query()), id, lastUpdated);
    }

    /**
     * What the store keeps of the request's AuditEvent: the columns its searches use, read from the record as
     * {@link #of} would place them in the model ({@code AuditEventsTest} holds the two equal), and its JSON. The
     * writer builds no model: it would be garbage the moment it was read.
     */
    static ResourceStore.AuditEntry entry(AuditRecord r) {
        Interaction interaction = Interaction.of(r.method(), r.path(), r.query());
        String resource = interaction.resource() != null ? interaction.resource() : r.written();
        Set<String> patients = patients(r, interaction);
        java.util.List<String> entities = new java.util.ArrayList<>(patients.size() + 1);
        if (resource != null) {
            entities.add(resource);
        }
        for (String patient : patients) {
            String reference = "Patient/" + patient;
            if (!entities.contains(reference)) {
                entities.add(reference);
            }
        }
        // In the order the model names them (the first is the row's primary compartment).
        java.util.List<String> named = entities.stream().filter(e -> e.startsWith("Patient/"))
                .map(e -> e.substring("Patient/".length())).toList();
        return new ResourceStore.AuditEntry(r.recorded(), named, entities, interaction.code(),
                interaction.action().toCode(), outcome(r.status()).toCode(), r.clientId(), r.address(),
                (id, at) -> json(r, interaction, id, at));
    }

    private static String json(AuditRecord r, Interaction interaction, String id, Instant lastUpdated) {
        // Jackson's own writer of strings: a StringWriter's synchronized buffer cost a tenth of the writer's time
        com.fasterxml.jackson.core.io.SegmentedStringWriter out =
                new com.fasterxml.jackson.core.io.SegmentedStringWriter(JSON._getBufferRecycler());
        try {
            try (com.fasterxml.jackson.core.JsonGenerator g = JSON.createGenerator(out)) {
                g.writeStartObject();
                g.writeStringField("resourceType", "AuditEvent");
                g.writeStringField("id", id);
                g.writeObjectFieldStart("meta");
                g.writeStringField("versionId", "1");
                g.writeStringField("lastUpdated", instant(lastUpdated));
                g.writeEndObject();
                coding(g, "type", EVENT_TYPE, "rest", "RESTful Operation");
                g.writeArrayFieldStart("subtype");
                coding(g, null, INTERACTION, interaction.code(), null);
                g.writeEndArray();
                g.writeStringField("action", interaction.action().toCode());
                g.writeStringField("recorded", instant(r.recorded()));
                g.writeStringField("outcome", outcome(r.status()).toCode());
                g.writeStringField("outcomeDesc", "HTTP " + r.status() + (r.requestId() == null ? "" : ", request " + r.requestId()));

                g.writeArrayFieldStart("agent");
                g.writeStartObject();
                g.writeObjectFieldStart("who");
                g.writeObjectFieldStart("identifier");
                if (r.issuer() != null) {
                    g.writeStringField("system", r.issuer());
                }
                g.writeStringField("value", r.subject());
                g.writeEndObject();
                g.writeEndObject();
                if (r.clientId() != null) {
                    g.writeStringField("altId", r.clientId());
                }
                g.writeBooleanField("requestor", true);
                if (r.clientId() != null) {
                    g.writeArrayFieldStart("policy");
                    g.writeString(CLIENT_ID + ":" + r.clientId());
                    g.writeEndArray();
                }
                if (r.address() != null) {
                    g.writeObjectFieldStart("network");
                    g.writeStringField("address", r.address());
                    g.writeStringField("type", AuditEvent.AuditEventAgentNetworkType._2.toCode());
                    g.writeEndObject();
                }
                g.writeEndObject();
                g.writeEndArray();

                g.writeObjectFieldStart("source");
                g.writeStringField("site", "Overturn");
                g.writeObjectFieldStart("observer");
                g.writeStringField("display", "Overturn FHIR server");
                g.writeEndObject();
                g.writeArrayFieldStart("type");
                coding(g, null, SOURCE_TYPE, "4", "Application Server");
                g.writeEndArray();
                g.writeEndObject();

                String resource = interaction.resource() != null ? interaction.resource() : r.written();
                Set<String> patients = patients(r, interaction);
                boolean cds = r.path().startsWith("cds-services/");
                String query = r.query() == null || r.query().isEmpty() ? null : r.query();
                if (resource != null || !patients.isEmpty() || cds || query != null) {
                    g.writeArrayFieldStart("entity");
                    if (resource != null) {
                        g.writeStartObject();
                        reference(g, resource);
                        coding(g, "type", ENTITY_TYPE, "2", "System Object");
                        g.writeEndObject();
                    }
                    for (String patient : patients) {
                        g.writeStartObject();
                        reference(g, "Patient/" + patient);
                        coding(g, "type", ENTITY_TYPE, "1", "Person");
                        coding(g, "role", OBJECT_ROLE, "1", "Patient");
                        g.writeEndObject();
                    }
                    if (cds) {
                        g.writeStartObject();
                        coding(g, "type", ENTITY_TYPE, "2", "System Object");
                        g.writeStringField("description", "CDS Hooks service " + r.path().substring("cds-services/".length()));
                        g.writeEndObject();
                    }
                    if (query != null) {
                        g.writeStartObject();
                        coding(g, "type", ENTITY_TYPE, "2", "System Object");
                        g.writeStringField("description", r.method() + " " + r.path());
                        g.writeStringField("query", java.util.Base64.getEncoder()
                                .encodeToString(query.getBytes(StandardCharsets.UTF_8)));
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            return out.getAndClear(); // closing the generator flushed it
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // writing to memory does not fail
        }
    }

    private static void coding(com.fasterxml.jackson.core.JsonGenerator g, @Nullable String field, String system, String code,
            @Nullable String display) throws java.io.IOException {
        if (field == null) {
            g.writeStartObject();
        } else {
            g.writeObjectFieldStart(field);
        }
        g.writeStringField("system", system);
        g.writeStringField("code", code);
        if (display != null) {
            g.writeStringField("display", display);
        }
        g.writeEndObject();
    }

    private static void reference(com.fasterxml.jackson.core.JsonGenerator g, String reference) throws java.io.IOException {
        g.writeObjectFieldStart("what");
        g.writeStringField("reference", reference);
        g.writeEndObject();
    }

    /**
     * A FHIR instant with milliseconds in the server's time zone, as HAPI writes the rest of the store's, written
     * digit by digit: HAPI's {@code InstantType} took a sixth of the audit writer's time to say the same, and a
     * zone-aware {@code DateTimeFormatter} a quarter. {@code AuditEventsTest} holds it equal to that formatter.
     */
    private static String instant(Instant at) {
        return instant(at, ZONE);
    }

    static String instant(Instant at, java.time.ZoneId zone) {
        java.time.ZoneOffset offset = zone.getRules().getOffset(at);
        java.time.LocalDateTime local = java.time.LocalDateTime.ofEpochSecond(at.getEpochSecond(), at.getNano(), offset);
        StringBuilder out = new StringBuilder(29);
        digits(out, local.getYear(), 4).append('-');
        digits(out, local.getMonthValue(), 2).append('-');
        digits(out, local.getDayOfMonth(), 2).append('T');
        digits(out, local.getHour(), 2).append(':');
        digits(out, local.getMinute(), 2).append(':');
        digits(out, local.getSecond(), 2).append('.');
        digits(out, local.getNano() / 1_000_000, 3);
        int seconds = offset.getTotalSeconds();
        out.append(seconds < 0 ? '-' : '+');
        digits(out, Math.abs(seconds) / 3600, 2).append(':');
        return digits(out, Math.abs(seconds) / 60 % 60, 2).toString();
    }

    private static final java.time.ZoneId ZONE = java.time.ZoneId.systemDefault();

    private static StringBuilder digits(StringBuilder out, int value, int width) {
        String text = Integer.toString(value);
        for (int pad = width - text.length(); pad > 0; pad--) {
            out.append('0');
        }
        return out.append(text);
    }

    private static Set<String> patients(AuditRecord r, Interaction interaction) {
        Set<String> patients = new LinkedHashSet<>();
        if (r.patient() != null) {
            patients.add(r.patient());
        }
        String resource = interaction.resource() != null ? interaction.resource() : r.written();
        if (resource != null && resource.startsWith("Patient/")) {
            patients.add(resource.substring("Patient/".length()));
        }
        if (r.query() != null) {
            Matcher m = PATIENT_CRITERION.matcher(r.query());
            while (m.find()) {
                patients.add(m.group(1));
            }
        }
        return patients;
    }

    /** 0 success, 4 the request was refused (4xx), 8 the server failed (5xx). */
    private static AuditEvent.AuditEventOutcome outcome(int status) {
        if (status < 400) {
            return AuditEvent.AuditEventOutcome._0;
        }
        return status < 500 ? AuditEvent.AuditEventOutcome._4 : AuditEvent.AuditEventOutcome._8;
    }

    /** The RESTful interaction a request is, and the resource it names ("Observation/7"), read from method and path. */
    record Interaction(String code, AuditEvent.AuditEventAction action, @Nullable String resource) {
        static Interaction of(String method, String path, @Nullable String query) {
            String[] s = path.isEmpty() ? new String[0] : path.split("/");
            boolean typed = s.length > 0 && ResourceTypes.SUPPORTED.contains(s[0]);
            String last = s.length == 0 ? "" : s[s.length - 1];
            if (s.length > 0 && s[0].equals("cds-services")) {
                return new Interaction("operation", AuditEvent.AuditEventAction.E, null); // a CDS Hooks service call
            }
            if (last.startsWith("$")) {
                String target = typed && s.length == 3 ? s[0] + "/" + s[1] : null;
                return new Interaction("operation", AuditEvent.AuditEventAction.E, target);
            }
            if (path.contains("_history")) {
                String target = typed && s.length >= 2 && !s[1].equals("_history") ? s[0] + "/" + s[1] : null;
                String code = s.length == 4 ? "vread" : s.length == 3 ? "history-instance" : typed ? "history-type" : "history-system";
                return new Interaction(code, AuditEvent.AuditEventAction.R, target);
            }
            // A compartment search (Patient/7/Observation, .../_search) names the compartment's resource.
            boolean compartment = typed && (s.length == 3 || s.length == 4 && last.equals("_search"));
            if (compartment) {
                return new Interaction("search-type", AuditEvent.AuditEventAction.R, s[0] + "/" + s[1]);
            }
            String target = typed && s.length == 2 && !s[1].equals("_search") ? s[0] + "/" + s[1] : null;
            return switch (method) {
                case "POST" -> s.length == 0 ? new Interaction("transaction", AuditEvent.AuditEventAction.E, null)
                        : s.length == 2 && s[1].equals("_search") ? new Interaction("search-type", AuditEvent.AuditEventAction.R, null)
                        : new Interaction("create", AuditEvent.AuditEventAction.C, null);
                case "PUT" -> new Interaction("update", AuditEvent.AuditEventAction.U, target);
                case "DELETE" -> new Interaction("delete", AuditEvent.AuditEventAction.D, target);
                default -> target != null ? new Interaction("read", AuditEvent.AuditEventAction.R, target)
                        : new Interaction(typed ? "search-type" : "search-system", AuditEvent.AuditEventAction.R, null);
            };
        }
    }
}
