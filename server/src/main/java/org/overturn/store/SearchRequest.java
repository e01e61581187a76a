package org.overturn.store;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A parsed, validated search: criteria joined by AND, each one an OR over its values.
 *
 * @param compartment when set, only members of this Patient's compartment match (every member, by any of the type's
 *     compartment parameters, not only the primary one); set by the server for patient-scoped callers, never parsed
 *     from a request
 */
public record SearchRequest(
        String resourceType,
        List<Criterion> criteria,
        List<SortKey> sort,
        int count,
        int offset,
        List<Include> includes,
        List<Include> revIncludes,
        Total total,
        @Nullable String compartment) {

    public SearchRequest {
        criteria = List.copyOf(criteria);
        sort = List.copyOf(sort);
        includes = List.copyOf(includes);
        revIncludes = List.copyOf(revIncludes);
    }

    public SearchRequest(String resourceType, List<Criterion> criteria, List<SortKey> sort, int count, int offset,
            List<Include> includes, List<Include> revIncludes, Total total) {
        this(resourceType, criteria, sort, count, offset, includes, revIncludes, total, null);
    }

    /** This search narrowed to the members of Patient/{@code patient}'s compartment. */
    public SearchRequest withinCompartment(String patient) {
        return new SearchRequest(resourceType, criteria, sort, count, offset, includes, revIncludes, total, patient);
    }

    public enum Total {
        NONE,
        ESTIMATE,
        ACCURATE
    }

    /**
     * One search parameter occurrence. {@code chain}, when set, is the criterion on the referenced resources (of one
     * of {@code chainTypes}) for a chained reference parameter such as {@code subject.name}. A {@code reverse} chain
     * ({@code _has:Observation:patient:code}) turns it around: {@code param} is the reference parameter of the one type
     * in {@code chainTypes} (Observation's {@code patient}), and a match is a resource that some resource of that type
     * matching {@code chain} points to through it.
     */
    public record Criterion(
            SearchParam param,
            @Nullable String modifier,
            List<String> values,
            @Nullable Criterion chain,
            List<String> chainTypes,
            boolean reverse) {
        public Criterion {
            values = List.copyOf(values);
            chainTypes = List.copyOf(chainTypes);
        }

        public Criterion(SearchParam param, @Nullable String modifier, List<String> values, @Nullable Criterion chain,
                List<String> chainTypes) {
            this(param, modifier, values, chain, chainTypes, false);
        }

        /** The types whose resources this criterion reads through reverse chains ({@code _has}), at any depth. */
        public java.util.Set<String> reverseChainTypes() {
            java.util.Set<String> types = new java.util.LinkedHashSet<>();
            for (Criterion c = this; c != null; c = c.chain()) {
                if (c.reverse()) {
                    types.addAll(c.chainTypes());
                }
            }
            return types;
        }
    }

    public record SortKey(SearchParam param, boolean descending) {}

    /** {@code _include}/{@code _revinclude}: source type, its reference parameter (null = all), target type filter. */
    public record Include(String sourceType, @Nullable String param, @Nullable String targetType, boolean iterate) {}
}
