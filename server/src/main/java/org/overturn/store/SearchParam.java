package org.overturn.store;

import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One search parameter of one resource type, as HAPI's definitions (or a SearchParameter resource of ours) give it:
 * its FHIRPath expressions, parsed once, decide what gets indexed. A composite parameter pairs two parameters of the
 * same type: Overturn's own over the whole resource ({@link TokenDate}), R4's on the elements its paths name
 * ({@link Components}).
 */
public record SearchParam(
        String resourceType,
        String name,
        RestSearchParameterTypeEnum type,
        String uri,
        String description,
        List<String> paths,
        Set<String> targets,
        boolean inPatientCompartment,
        @Nullable TokenDate composite,
        @Nullable Components components) {

    public SearchParam {
        paths = List.copyOf(paths);
        targets = Set.copyOf(targets);
    }

    public SearchParam(String resourceType, String name, RestSearchParameterTypeEnum type, String uri, String description,
            List<String> paths, Set<String> targets, boolean inPatientCompartment) {
        this(resourceType, name, type, uri, description, paths, targets, inPatientCompartment, null, null);
    }

    public SearchParam(String resourceType, String name, RestSearchParameterTypeEnum type, String uri, String description,
            List<String> paths, Set<String> targets, boolean inPatientCompartment, @Nullable TokenDate composite) {
        this(resourceType, name, type, uri, description, paths, targets, inPatientCompartment, composite, null);
    }

    /**
     * A composite of a token and a date parameter evaluated on the whole resource (such as Task's status with its
     * deadline), indexed as one row per pair of values so that one index answers both criteria and the date order.
     *
     * @param singleValued each component has at most one value per resource (by the element cardinalities), so a
     *     resource has at most one pair and the pairs can drive a search sorted by the date
     */
    public record TokenDate(SearchParam token, SearchParam date, boolean singleValued) {}

    /**
     * One of R4's own composites (its SearchParameter definition): {@code paths} name the elements (the Observation,
     * its components), and on each element {@code firstExpression} gives the token and {@code secondExpression} the
     * value of the second parameter's kind; a pair matches only where both stand on the same element.
     */
    public record Components(SearchParam first, String firstExpression, SearchParam second, String secondExpression) {}

    /**
     * From the type and name alone (equal parameters share both, so this agrees with equals): the generated hash reads
     * every component, descriptions and path lists included, and the indexer looks parameters up in maps for every
     * value of every write.
     */
    @Override
    public int hashCode() {
        return 31 * resourceType.hashCode() + name.hashCode();
    }

    /** Parameters answered from the resource row itself rather than from an index table. */
    public boolean isColumn() {
        return name.equals("_id") || name.equals("_lastUpdated");
    }
}
