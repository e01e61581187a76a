package org.overturn.store;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.fhirpath.IFhirPath;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.SearchParameter;
import org.jspecify.annotations.Nullable;

/**
 * The search parameters Overturn indexes and answers, per resource type, taken from HAPI's R4 definitions. R4's own
 * composites whose first component is a token and whose second is a token, quantity, date or string are indexed as
 * pairs ({@link SearchParam.Components}, from the R4 SearchParameter definitions that carry their component
 * expressions); other kinds with no index (special, other composites) are left out, so the CapabilityStatement never
 * claims them. Overturn's own composites of a token and a date parameter are indexed too ({@link SearchParam.TokenDate}).
 */
public final class SearchParameterRegistry {
    private static final Set<RestSearchParameterTypeEnum> INDEXED = EnumSet.of(
            RestSearchParameterTypeEnum.STRING,
            RestSearchParameterTypeEnum.TOKEN,
            RestSearchParameterTypeEnum.REFERENCE,
            RestSearchParameterTypeEnum.DATE,
            RestSearchParameterTypeEnum.NUMBER,
            RestSearchParameterTypeEnum.QUANTITY,
            RestSearchParameterTypeEnum.URI);

    private final Map<String, Map<String, SearchParam>> byType = new LinkedHashMap<>();
    // Parsing needs a FHIRPath engine, whose first creation loads every R4 StructureDefinition (about 3 s): it runs
    // on its own thread while the rest of the server starts, and the first write waits for it if it must.
    private final CompletableFuture<Map<SearchParam, List<IFhirPath.IParsedExpression>>> parsed;

    public SearchParameterRegistry(FhirContext ctx, Collection<String> resourceTypes) {
        this(ctx, resourceTypes, List.of());
    }

    /**
     * HAPI's R4 parameters of {@code resourceTypes} plus Overturn's own {@code custom} SearchParameter resources
     * (from fhir-profiles). A custom parameter of a kind with no index, on no served type, or named like a standard
     * one stops the start with a message naming it.
     */
    public SearchParameterRegistry(FhirContext ctx, Collection<String> resourceTypes, Collection<SearchParameter> custom) {
        for (String type : resourceTypes) {
            RuntimeResourceDefinition def = ctx.getResourceDefinition(type);
            Map<String, SearchParam> params = new LinkedHashMap<>();
            for (RuntimeSearchParam sp : def.getSearchParams()) {
                if (!INDEXED.contains(sp.getParamType())) {
                    continue;
                }
                List<String> paths = sp.getPathsSplitForResourceType(type);
                params.put(
                        sp.getName(),
                        new SearchParam(
                                type,
                                sp.getName(),
                                sp.getParamType(),
                                sp.getUri() == null ? "" : sp.getUri(),
                                sp.getDescription() == null ? "" : sp.getDescription(),
                                paths,
                                sp.getTargets(),
                                sp.getProvidesMembershipInCompartments() != null
                                        && sp.getProvidesMembershipInCompartments().contains("Patient")));
            }
            byType.put(type, params);
        }
        addR4Composites();
        for (SearchParameter sp : custom) {
            if (sp.getType() != Enumerations.SearchParamType.COMPOSITE) {
                addCustom(sp);
            }
        }
        for (SearchParameter sp : custom) {
            if (sp.getType() == Enumerations.SearchParamType.COMPOSITE) {
                addComposite(ctx, sp);
            }
        }
        byType.replaceAll((type, params) -> Collections.unmodifiableMap(params));
        parsed = CompletableFuture.supplyAsync(() -> parseAll(ctx), runnable -> {
            Thread thread = new Thread(runnable, "fhirpath-warmup");
            thread.setDaemon(true);
            thread.start();
        });
    }

    private void addCustom(SearchParameter sp) {
        String name = sp.getUrl() + " (" + sp.getCode() + ")";
        RestSearchParameterTypeEnum kind = sp.hasType() ? RestSearchParameterTypeEnum.forCode(sp.getType().toCode()) : null;
        if (kind == null || !INDEXED.contains(kind)) {
            throw new IllegalStateException("SearchParameter " + name + ": type " + sp.getType() + " cannot be indexed");
        }
        if (!sp.hasBase() || !sp.hasExpression()) {
            throw new IllegalStateException("SearchParameter " + name + " needs a base and an expression");
        }
        for (var base : sp.getBase()) {
            String type = base.getCode();
            Map<String, SearchParam> params = byType.get(type);
            if (params == null) {
                throw new IllegalStateException("SearchParameter " + name + ": base " + type + " is not a type this server serves");
            }
            if (params.containsKey(sp.getCode())) {
                throw new IllegalStateException("SearchParameter " + name + " is named like a standard parameter of " + type);
            }
            List<String> paths = java.util.Arrays.stream(sp.getExpression().split("\\|"))
                    .map(String::trim)
                    .filter(path -> path.startsWith(type + ".") || path.startsWith("(" + type + "."))
                    .toList();
            Set<String> targets = new java.util.HashSet<>();
            sp.getTarget().forEach(t -> targets.add(t.getCode()));
            params.put(sp.getCode(), new SearchParam(type, sp.getCode(), kind, sp.getUrl(),
                    sp.hasDescription() ? sp.getDescription() : "", paths, targets, false));
        }
    }

    /**
     * A composite of one token and one date parameter of its base type, evaluated on the resource itself (expression
     * = the type), so that its index rows are the pairs of the two components' rows.
     */
    private void addComposite(FhirContext ctx, SearchParameter sp) {
        String name = sp.getUrl() + " (" + sp.getCode() + ")";
        if (sp.getBase().size() != 1 || sp.getComponent().size() != 2) {
            throw new IllegalStateException("SearchParameter " + name + ": a composite needs one base and two components");
        }
        String type = sp.getBase().get(0).getCode();
        Map<String, SearchParam> params = byType.get(type);
        if (params == null) {
            throw new IllegalStateException("SearchParameter " + name + ": base " + type + " is not a type this server serves");
        }
        if (params.containsKey(sp.getCode())) {
            throw new IllegalStateException("SearchParameter " + name + " is named like another parameter of " + type);
        }
        if (!type.equals(sp.getExpression())) {
            throw new IllegalStateException("SearchParameter " + name + ": the expression must be '" + type
                    + "' (components evaluated on the resource itself)");
        }
        SearchParam token = null;
        SearchParam date = null;
        for (SearchParameter.SearchParameterComponentComponent component : sp.getComponent()) {
            SearchParam part = params.values().stream()
                    .filter(p -> p.uri().equals(component.getDefinition()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("SearchParameter " + name + ": component "
                            + component.getDefinition() + " is not a parameter of " + type));
            switch (part.type()) {
                case TOKEN -> token = part;
                case DATE -> date = part;
                default -> throw new IllegalStateException("SearchParameter " + name + ": component " + part.name()
                        + " is a " + part.type().getCode() + " parameter; only token with date is indexed");
            }
        }
        if (token == null || date == null) {
            throw new IllegalStateException("SearchParameter " + name + ": the components must be one token and one date parameter");
        }
        boolean single = singleValued(ctx, token) && singleValued(ctx, date);
        params.put(sp.getCode(), new SearchParam(type, sp.getCode(), RestSearchParameterTypeEnum.COMPOSITE, sp.getUrl(),
                sp.hasDescription() ? sp.getDescription() : "", List.of(), Set.of(), false,
                new SearchParam.TokenDate(token, date, single)));
    }

    /** R4's SearchParameter definitions, as HAPI's validation resources ship them (with component expressions). */
    private static final String R4_DEFINITIONS = "/org/hl7/fhir/r4/model/sp/search-parameters.json";
    private static final Set<RestSearchParameterTypeEnum> SECOND_COMPONENTS = EnumSet.of(RestSearchParameterTypeEnum.TOKEN,
            RestSearchParameterTypeEnum.QUANTITY, RestSearchParameterTypeEnum.DATE, RestSearchParameterTypeEnum.STRING);

    /**
     * R4's composite parameters of the served types whose components are a token and then a token, quantity, date
     * or string parameter of the same type (Observation code-value-quantity, component-code-value-concept, ...).
     */
    private void addR4Composites() {
        JsonNode bundle;
        try (InputStream in = SearchParameterRegistry.class.getResourceAsStream(R4_DEFINITIONS)) {
            if (in == null) {
                throw new IllegalStateException(R4_DEFINITIONS + " is missing (hapi-fhir-validation-resources-r4)");
            }
            bundle = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // A component names its parameter by the definition's URL, which may be a shared one (clinical-code): its code
        // is the parameter's name on the composite's type.
        Map<String, String> codeOfUrl = new java.util.HashMap<>();
        for (JsonNode entry : bundle.path("entry")) {
            codeOfUrl.put(entry.path("resource").path("url").asText(), entry.path("resource").path("code").asText());
        }
        for (JsonNode entry : bundle.path("entry")) {
            JsonNode sp = entry.path("resource");
            if (!sp.path("type").asText().equals("composite") || sp.path("component").size() != 2) {
                continue;
            }
            for (JsonNode base : sp.path("base")) {
                Map<String, SearchParam> params = byType.get(base.asText());
                if (params != null && !params.containsKey(sp.path("code").asText())) {
                    composite(base.asText(), sp, params, codeOfUrl);
                }
            }
        }
    }

    private static void composite(String type, JsonNode sp, Map<String, SearchParam> params,
            Map<String, String> codeOfUrl) {
        SearchParam[] parts = new SearchParam[2];
        String[] expressions = new String[2];
        for (int i = 0; i < 2; i++) {
            JsonNode component = sp.path("component").get(i);
            String code = codeOfUrl.get(component.path("definition").asText());
            parts[i] = code == null ? null : params.get(code);
            expressions[i] = component.path("expression").asText();
        }
        if (parts[0] == null || parts[1] == null || parts[0].type() != RestSearchParameterTypeEnum.TOKEN
                || !SECOND_COMPONENTS.contains(parts[1].type()) || expressions[0].isEmpty() || expressions[1].isEmpty()) {
            return; // a kind with no index here: not offered
        }
        List<String> paths = java.util.Arrays.stream(sp.path("expression").asText().split("\\|")).map(String::trim).toList();
        String code = sp.path("code").asText();
        params.put(code, new SearchParam(type, code, RestSearchParameterTypeEnum.COMPOSITE, sp.path("url").asText(),
                sp.path("description").asText(""), paths, Set.of(), false, null,
                new SearchParam.Components(parts[0], expressions[0], parts[1], expressions[1])));
    }

    /**
     * Whether the parameter indexes at most one value per resource: one plain path (Type.a.b, no functions), every
     * element on it at most once, and not a CodeableConcept (whose codings are each a value).
     */
    private static boolean singleValued(FhirContext ctx, SearchParam sp) {
        if (sp.paths().size() != 1) {
            return false;
        }
        String[] steps = sp.paths().get(0).split("\\.");
        if (!steps[0].equals(sp.resourceType())) {
            return false;
        }
        BaseRuntimeElementDefinition<?> def = ctx.getResourceDefinition(sp.resourceType());
        for (int i = 1; i < steps.length; i++) {
            if (!(def instanceof BaseRuntimeElementCompositeDefinition<?> composite)) {
                return false;
            }
            BaseRuntimeChildDefinition child = composite.getChildByName(steps[i]);
            if (child == null || child.getMax() != 1) {
                return false;
            }
            def = child.getChildByName(steps[i]);
        }
        return def != null && !def.getName().equals("CodeableConcept");
    }

    private Map<SearchParam, List<IFhirPath.IParsedExpression>> parseAll(FhirContext ctx) {
        IFhirPath fhirPath = ctx.newFhirPath();
        Map<SearchParam, List<IFhirPath.IParsedExpression>> all = new java.util.HashMap<>();
        for (Map<String, SearchParam> params : byType.values()) {
            for (SearchParam sp : params.values()) {
                List<IFhirPath.IParsedExpression> expressions = new ArrayList<>();
                List<String> paths = new ArrayList<>(sp.paths());
                if (sp.components() != null) {
                    // after the element paths: the first and the second component's expressions, on each element
                    paths.add(sp.components().firstExpression());
                    paths.add(sp.components().secondExpression());
                }
                for (String path : paths) {
                    try {
                        expressions.add(fhirPath.parse(path));
                    } catch (Exception e) {
                        throw new IllegalStateException("Search parameter " + sp.resourceType() + "." + sp.name()
                                + " has an unparseable path: " + path, e);
                    }
                }
                all.put(sp, List.copyOf(expressions));
            }
        }
        return all;
    }

    /**
     * The parsed FHIRPath expressions of {@code sp} (for R4's composites, its element paths, then its two component
     * expressions); waits for the start-up parse if it is still running.
     */
    public List<IFhirPath.IParsedExpression> parsedPaths(SearchParam sp) {
        List<IFhirPath.IParsedExpression> expressions = parsed.join().get(sp);
        return expressions == null ? List.of() : expressions;
    }

    public Set<String> resourceTypes() {
        return byType.keySet();
    }

    public boolean supports(String type) {
        return byType.containsKey(type);
    }

    public Collection<SearchParam> params(String type) {
        Map<String, SearchParam> params = byType.get(type);
        return params == null ? List.of() : params.values();
    }

    public @Nullable SearchParam find(String type, String name) {
        Map<String, SearchParam> params = byType.get(type);
        return params == null ? null : params.get(name);
    }
}
