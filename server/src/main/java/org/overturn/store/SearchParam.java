package org.overturn.store;

import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.List;
import java.util.Set;

/**
 * One search parameter of one resource type, as HAPI's definitions (or a SearchParameter resource of ours) give it:
 * its FHIRPath expressions, parsed once, decide what gets indexed.
 */
public record SearchParam(
        String resourceType,
        String name,
        RestSearchParameterTypeEnum type,
        String uri,
        String description,
        List<String> paths,
        Set<String> targets,
        boolean inPatientCompartment) {

    public SearchParam {
        paths = List.copyOf(paths);
        targets = Set.copyOf(targets);
    }

    /** Parameters answered from the resource row itself rather than from an index table. */
    public boolean isColumn() {
        return name.equals("_id") || name.equals("_lastUpdated");
    }
}
