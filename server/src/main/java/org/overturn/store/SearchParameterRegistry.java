package org.overturn.store;

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
import org.springframework.lang.Nullable;

/**
 * The search parameters Overturn indexes and answers, per resource type, taken from HAPI's R4 definitions. Kinds
 * with no index yet (composite, special) are left out, so the CapabilityStatement never claims them.
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

    public SearchParameterRegistry(FhirContext ctx, Collection<String> resourceTypes) {
        IFhirPath fhirPath = ctx.newFhirPath();
        for (String type : resourceTypes) {
            RuntimeResourceDefinition def = ctx.getResourceDefinition(type);
            Map<String, SearchParam> params = new LinkedHashMap<>();
            for (RuntimeSearchParam sp : def.getSearchParams()) {
                if (!INDEXED.contains(sp.getParamType())) {
                    continue;
                }
                List<String> paths = sp.getPathsSplitForResourceType(type);
                List<IFhirPath.IParsedExpression> parsed = new ArrayList<>();
                for (String path : paths) {
                    try {
                        parsed.add(fhirPath.parse(path));
                    } catch (Exception e) {
                        throw new IllegalStateException(
                                "Search parameter " + type + "." + sp.getName() + " has an unparseable path: " + path, e);
                    }
                }
                params.put(
                        sp.getName(),
                        new SearchParam(
                                type,
                                sp.getName(),
                                sp.getParamType(),
                                sp.getUri() == null ? "" : sp.getUri(),
                                sp.getDescription() == null ? "" : sp.getDescription(),
                                paths,
                                parsed,
                                sp.getTargets(),
                                sp.getProvidesMembershipInCompartments() != null
                                        && sp.getProvidesMembershipInCompartments().contains("Patient")));
            }
            byType.put(type, Collections.unmodifiableMap(params));
        }
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
