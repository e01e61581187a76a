package org.overturn.cds;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.jspecify.annotations.Nullable;

/**
 * Whether what answers a prefetch query is what it asked for, wherever it came from (the client's prefetch, or the
 * EHR's fhirServer): the type asked for and the types its {@code _include}s and {@code _revinclude}s bring are kept;
 * anything else (an OperationOutcome in place of the Patient, Observations for a Coverage search) is left out and
 * named, so that a criterion left without evidence is not mistaken for one the chart was checked for.
 */
final class AnswerTypes {
    /** What an answer held of the types its query asked for, and a line on anything else (left out), or null. */
    record Sorted(List<IBaseResource> kept, @Nullable String unexpected) {}

    private final FhirContext ctx;

    AnswerTypes(FhirContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Sorts the resources answering {@code query} (Bundles are opened; a search's OperationOutcome entries are
     * dropped quietly, as they are not chart data); {@code source} names who answered ("the EHR answered").
     */
    Sorted sort(List<IBaseResource> answers, String query, String source) {
        String asked = askedType(query);
        Set<String> expected = expectedTypes(asked, query);
        List<IBaseResource> kept = new ArrayList<>();
        Map<String, Integer> unexpected = new TreeMap<>();
        for (IBaseResource answer : answers) {
            if (answer instanceof Bundle bundle) {
                for (Bundle.BundleEntryComponent en : bundle.getEntry()) {
                    if (!en.hasResource() || en.getResource() instanceof OperationOutcome) {
                        continue; // a search's outcome entry (warnings, search.mode outcome), not chart data
                    }
                    if (expected.contains(en.getResource().fhirType())) {
                        kept.add(en.getResource());
                    } else {
                        unexpected.merge(en.getResource().fhirType(), 1, Integer::sum);
                    }
                }
            } else if (answer.fhirType().equals(asked)) {
                kept.add(answer);
            } else {
                unexpected.merge(describe(answer), 1, Integer::sum);
            }
        }
        return new Sorted(kept, unexpected.isEmpty() ? null : unexpected(source, unexpected, asked, kept.size()));
    }

    /** The resource type a query asks for: its first path segment ({@code Patient/1}, {@code Coverage?patient=1}). */
    static String askedType(String query) {
        String path = query.replaceFirst("^/+", "");
        int end = path.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = path.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        return path.substring(0, end);
    }

    /**
     * The types an answer to {@code query} may hold: the type asked for, and those its {@code _include}s reach (the
     * target type named, or every target of the search parameter) and its {@code _revinclude}s come from.
     */
    private Set<String> expectedTypes(String asked, String query) {
        Set<String> types = new HashSet<>(Set.of(asked));
        int q = query.indexOf('?');
        for (String pair : q < 0 ? new String[0] : query.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String[] value = URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8).split(":");
            if (name.startsWith("_revinclude")) {
                types.add(value[0]);
            } else if (name.startsWith("_include") && value.length >= 3) {
                types.add(value[2]);
            } else if (name.startsWith("_include") && value.length == 2) {
                try {
                    RuntimeSearchParam param = ctx.getResourceDefinition(value[0]).getSearchParam(value[1]);
                    if (param != null) {
                        types.addAll(param.getTargets());
                    }
                } catch (RuntimeException unknownType) {
                    // an _include of a type R4 does not know reaches nothing
                }
            }
        }
        return types;
    }

    private static String unexpected(String source, Map<String, Integer> others, String asked, int kept) {
        StringBuilder what = new StringBuilder();
        others.forEach((type, n) -> what.append(what.length() == 0 ? "" : ", ").append(n == 1 ? type : n + " " + type));
        return source + " something unexpected: " + what + " where " + asked + " was asked for"
                + (kept == 0 ? "" : " (left out; the " + kept + " " + asked + " in its answer were read)");
    }

    /** A resource named for the card; an OperationOutcome also by its first issue's code, never its free text. */
    private static String describe(IBaseResource resource) {
        if (resource instanceof OperationOutcome outcome && outcome.hasIssue() && outcome.getIssueFirstRep().hasCode()) {
            return "OperationOutcome (issue " + outcome.getIssueFirstRep().getCode().toCode() + ")";
        }
        return resource.fhirType();
    }
}
