package org.overturn.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The search index rows of one resource version, one list per index table. */
final class IndexRows {
    record StringRow(String param, String norm, String exact) {}

    record TokenRow(String param, @Nullable String system, @Nullable String code, @Nullable String textNorm) {}

    record ReferenceRow(String param, @Nullable String targetType, @Nullable String targetId, @Nullable String url) {}

    record DateRow(String param, Instant low, Instant high) {}

    record QuantityRow(String param, BigDecimal value, @Nullable String system, @Nullable String code) {}

    record UriRow(String param, String uri) {}

    /** One pair of a token and a date value of a composite parameter. */
    record TokenDateRow(String param, @Nullable String system, @Nullable String code, Instant low, Instant high) {}

    /** One pair of values of an R4 composite parameter from the same element: a token and a second value of one kind. */
    record CompositeRow(String param, @Nullable String system, String code, @Nullable String valueSystem,
            @Nullable String valueCode, @Nullable BigDecimal value, @Nullable Instant low, @Nullable Instant high,
            @Nullable String valueNorm, @Nullable String valueExact) {}

    final List<StringRow> strings = new ArrayList<>();
    final List<TokenRow> tokens = new ArrayList<>();
    final List<ReferenceRow> references = new ArrayList<>();
    final List<DateRow> dates = new ArrayList<>();
    final List<QuantityRow> quantities = new ArrayList<>();
    final List<UriRow> uris = new ArrayList<>();
    final List<TokenDateRow> tokenDates = new ArrayList<>();
    final List<CompositeRow> composites = new ArrayList<>();
    /** The primary compartment: the row key a distributed database would place the resource by. */
    @Nullable String patientId;
    /**
     * Every patient whose compartment holds the resource (R4 Patient CompartmentDefinition: each local Patient
     * reference under a compartment parameter), the primary one included.
     */
    final java.util.Set<String> compartments = new java.util.LinkedHashSet<>();
}
