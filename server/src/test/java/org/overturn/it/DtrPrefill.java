package org.overturn.it;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.fhirpath.IFhirPath;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.lang3.tuple.Pair;
import org.cqframework.cql.cql2elm.CqlCompilerOptions;
import org.cqframework.cql.cql2elm.LibraryContentType;
import org.cqframework.cql.cql2elm.LibraryManager;
import org.cqframework.cql.cql2elm.ModelManager;
import org.cqframework.cql.cql2elm.quick.FhirLibrarySourceProvider;
import org.hl7.elm.r1.VersionedIdentifier;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.opencds.cqf.cql.engine.data.CompositeDataProvider;
import org.opencds.cqf.cql.engine.execution.CqlEngine;
import org.opencds.cqf.cql.engine.execution.Environment;
import org.opencds.cqf.cql.engine.execution.EvaluationResult;
import org.opencds.cqf.cql.engine.fhir.model.R4FhirModelResolver;
import org.opencds.cqf.cql.engine.retrieve.RetrieveProvider;
import org.opencds.cqf.cql.engine.runtime.Code;

/**
 * A DTR app's pre-filling, done as the app would from what {@code $questionnaire-package} returns: the Questionnaire's
 * CQL initial expressions evaluated with the CQL engine over the package's Libraries (their ELM, as an app runs it),
 * against the patient's chart; the repeating prior-therapy group once per resource of its population context, its
 * items' FHIRPath with that resource as {@code %therapy}. Answers are kept as text (dates as yyyy-MM-dd) by linkId.
 */
final class DtrPrefill {
    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final String SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/";

    /** What the pre-filling answered: single items by linkId, and each prior-therapy group's items. */
    record Answers(Map<String, String> items, List<Map<String, String>> therapies) {}

    private DtrPrefill() {}

    static Answers fill(JsonNode packageBundle, List<IBaseResource> chart) {
        JsonNode questionnaire = null;
        Map<String, JsonNode> libraries = new HashMap<>();
        for (JsonNode entry : packageBundle.path("entry")) {
            JsonNode resource = entry.path("resource");
            if (resource.path("resourceType").asText().equals("Questionnaire")) {
                questionnaire = resource;
            } else if (resource.path("resourceType").asText().equals("Library")) {
                libraries.put(resource.path("name").asText(), resource);
            }
        }
        Objects.requireNonNull(questionnaire, "no Questionnaire in the package");
        Map<String, Object> results = evaluate(libraryOf(questionnaire), libraries, chart);
        Map<String, String> items = new LinkedHashMap<>();
        List<Map<String, String>> therapies = new ArrayList<>();
        walk(questionnaire.path("item"), results, items, therapies);
        return new Answers(items, therapies);
    }

    private static String libraryOf(JsonNode questionnaire) {
        for (JsonNode e : questionnaire.path("extension")) {
            if (e.path("url").asText().equals("http://hl7.org/fhir/StructureDefinition/cqf-library")) {
                String canonical = e.path("valueCanonical").asText();
                return canonical.substring(canonical.lastIndexOf('/') + 1);
            }
        }
        throw new AssertionError("the Questionnaire names no cqf-library");
    }

    private static void walk(JsonNode items, Map<String, Object> results, Map<String, String> answers,
            List<Map<String, String>> therapies) {
        for (JsonNode item : items) {
            JsonNode context = expression(item, "sdc-questionnaire-itemPopulationContext");
            if (context != null) {
                for (Object resource : list(results.get(defineName(context.path("expression").asText())))) {
                    Map<String, String> group = new LinkedHashMap<>();
                    for (JsonNode child : item.path("item")) {
                        JsonNode initial = expression(child, "sdc-questionnaire-initialExpression");
                        if (initial != null && initial.path("language").asText().equals("text/fhirpath")) {
                            String name = context.path("name").asText();
                            String path = initial.path("expression").asText().replace("%" + name + ".", "");
                            String value = fhirPath((IBase) resource, path);
                            if (value != null) {
                                group.put(child.path("linkId").asText(), value);
                            }
                        }
                    }
                    therapies.add(group);
                }
                continue;
            }
            JsonNode initial = expression(item, "sdc-questionnaire-initialExpression");
            if (initial != null && initial.path("language").asText().equals("text/cql")) {
                String value = text(results.get(defineName(initial.path("expression").asText())));
                if (value != null) {
                    answers.put(item.path("linkId").asText(), value);
                }
            }
            walk(item.path("item"), results, answers, therapies);
        }
    }

    private static JsonNode expression(JsonNode item, String extension) {
        for (JsonNode e : item.path("extension")) {
            if (e.path("url").asText().equals(SDC + extension)) {
                return e.path("valueExpression");
            }
        }
        return null;
    }

    /** {@code "Library"."Define"} → {@code Define}. */
    private static String defineName(String expression) {
        String define = expression.substring(expression.indexOf("\".\"") + 3);
        return define.substring(0, define.length() - 1);
    }

    private static List<?> list(Object value) {
        return value instanceof Iterable<?> i ? toList(i) : value == null ? List.of() : List.of(value);
    }

    private static List<Object> toList(Iterable<?> iterable) {
        List<Object> out = new ArrayList<>();
        iterable.forEach(out::add);
        return out;
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof IPrimitiveType<?> p) {
            return p.getValueAsString();
        }
        return value.toString(); // String, Integer, Boolean, CQL Date (yyyy-MM-dd)
    }

    private static String fhirPath(IBase focus, String path) {
        IFhirPath engine = CTX.newFhirPath();
        List<IBase> out = engine.evaluate(focus, path, IBase.class);
        if (out.isEmpty()) {
            return null;
        }
        String value = text(out.get(0));
        return value != null && value.length() > 10 && value.charAt(4) == '-' && value.charAt(10) == 'T'
                ? value.substring(0, 10) : value; // a dateTime answers a date item by its day
    }

    /** Every definition of the library, evaluated for the chart's patient. */
    private static Map<String, Object> evaluate(String name, Map<String, JsonNode> libraries, List<IBaseResource> chart) {
        CqlCompilerOptions options = CqlCompilerOptions.defaultOptions();
        LibraryManager manager = new LibraryManager(new ModelManager(), options);
        manager.getLibrarySourceLoader().registerProvider(new FhirLibrarySourceProvider());
        manager.getLibrarySourceLoader().registerProvider(new org.cqframework.cql.cql2elm.LibrarySourceProvider() {
            @Override
            public InputStream getLibrarySource(VersionedIdentifier id) {
                return content(libraries.get(id.getId()), "text/cql");
            }

            @Override
            public InputStream getLibraryContent(VersionedIdentifier id, LibraryContentType type) {
                return type == LibraryContentType.JSON ? content(libraries.get(id.getId()), "application/elm+json")
                        : type == LibraryContentType.CQL ? getLibrarySource(id) : null;
            }
        });
        R4FhirModelResolver resolver = new R4FhirModelResolver();
        RetrieveProvider retrieve = (context, contextPath, contextValue, dataType, templateId, codePath, codes, valueSet,
                datePath, dateLowPath, dateHighPath, dateRange) -> {
            List<Object> out = new ArrayList<>();
            for (IBaseResource r : chart) {
                if (r.fhirType().equals(dataType) && (codes == null || codePath == null
                        || matches(resolver.resolvePath(r, codePath), codes))) {
                    out.add(r);
                }
            }
            return out;
        };
        Environment environment = new Environment(manager,
                Map.of("http://hl7.org/fhir", new CompositeDataProvider(resolver, retrieve)), null);
        Patient patient = (Patient) chart.stream().filter(r -> r instanceof Patient).findFirst().orElseThrow();
        EvaluationResult result = new CqlEngine(environment)
                .evaluate(new VersionedIdentifier().withId(name), Pair.of("Patient", patient));
        Map<String, Object> values = new HashMap<>();
        result.expressionResults.forEach((define, value) -> values.put(define, value.value()));
        return values;
    }

    private static boolean matches(Object concept, Iterable<Code> codes) {
        if (!(concept instanceof CodeableConcept cc)) {
            return false;
        }
        for (Coding coding : cc.getCoding()) {
            for (Code code : codes) {
                if (Objects.equals(coding.getSystem(), code.getSystem()) && Objects.equals(coding.getCode(), code.getCode())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static InputStream content(JsonNode library, String contentType) {
        if (library == null) {
            return null;
        }
        for (JsonNode c : library.path("content")) {
            if (c.path("contentType").asText().equals(contentType)) {
                return new ByteArrayInputStream(Base64.getDecoder().decode(c.path("data").asText()));
            }
        }
        return null;
    }

    /** A resource of the chart as the server holds it. */
    static Resource parse(JsonNode resource) {
        return (Resource) CTX.newJsonParser().parseResource(resource.toString());
    }
}
