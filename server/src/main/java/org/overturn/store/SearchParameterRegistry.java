package org.overturn.store;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.fhirpath.IFhirPath;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
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
 * The search parameters Overturn indexes and answers, per resource type, taken from HAPI's R4 definitions. Kinds
 * with no index yet (R4's own composites, special) are left out, so the CapabilityStatement never claims them;
 * Overturn's own composites of a token and a date parameter are indexed ({@link SearchParam.TokenDate}).
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
                for (String path : sp.paths()) {
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

    /** The parsed FHIRPath expressions of {@code sp}; waits for the start-up parse if it is still running. */
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
