package org.overturn.store;

import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.jspecify.annotations.Nullable;

/**
 * Turns FHIR search query parameters into a {@link SearchRequest}, rejecting what Overturn cannot answer with a
 * message that says what to change. Unknown parameters are an error unless the client asked for lenient handling.
 */
public final class SearchRequestParser {
    /** Result and formatting parameters handled elsewhere (by the HAPI edge) or ignored here. */
    private static final Set<String> PASSED_THROUGH =
            Set.of("_format", "_pretty", "_elements", "_summary", "_getpages", "_bundletype", "_contained", "_containedType");

    private static final Set<String> STRING_MODIFIERS = Set.of("exact", "contains", "missing");
    private static final Set<String> TOKEN_MODIFIERS = Set.of("not", "text", "missing");
    private static final Set<String> PLAIN_MODIFIERS = Set.of("missing");
    private static final Set<String> URI_MODIFIERS = Set.of("below", "above", "missing");

    private final SearchParameterRegistry registry;
    private final int defaultCount;
    private final int maxCount;
    private final int maxOffset;
    private final int maxSortKeys;

    public SearchRequestParser(SearchParameterRegistry registry, StoreProperties limits) {
        this.registry = registry;
        this.defaultCount = limits.defaultPageSize();
        this.maxCount = limits.maxPageSize();
        this.maxOffset = limits.maxOffset();
        this.maxSortKeys = limits.maxSortKeys();
    }

    /** Refuses an offset past {@code max}: the database would read and skip every row before the page. */
    public static int checkOffset(int offset, int max) {
        if (offset > max) {
            throw new OverturnException(ErrorCode.INVALID_SEARCH, "_offset " + offset + " is past the deepest page this server"
                    + " serves (" + max + " resources in); narrow the search instead, for example with _lastUpdated", "_offset");
        }
        return offset;
    }

    /**
     * @param params each key maps to its occurrences (AND); each occurrence may hold comma-separated values (OR)
     * @param lenient ignore unknown parameters instead of failing (FHIR {@code Prefer: handling=lenient})
     */
    public SearchRequest parse(String type, Map<String, List<String>> params, boolean lenient) {
        if (!registry.supports(type)) {
            throw new OverturnException(ErrorCode.UNKNOWN_TYPE, "Resource type '" + type + "' is not supported here");
        }
        List<SearchRequest.Criterion> criteria = new ArrayList<>();
        List<SearchRequest.SortKey> sort = new ArrayList<>();
        List<SearchRequest.Include> includes = new ArrayList<>();
        List<SearchRequest.Include> revIncludes = new ArrayList<>();
        int count = defaultCount;
        int offset = 0;
        SearchRequest.Total total = SearchRequest.Total.NONE;
        Set<String> unknown = new LinkedHashSet<>();

        for (Map.Entry<String, List<String>> entry : params.entrySet()) {
            String key = entry.getKey();
            List<String> occurrences = entry.getValue();
            // FHIR strings never hold U+0000 (nor can the database's text): a clear 400, not a failed statement.
            if (key.indexOf('\0') >= 0 || occurrences.stream().anyMatch(v -> v != null && v.indexOf('\0') >= 0)) {
                throw new OverturnException(ErrorCode.INVALID_SEARCH,
                        "The search parameter " + key.replace('\0', '?') + " holds the character U+0000, which no FHIR value may contain",
                        key.replace('\0', '?'));
            }
            String bare = key.contains(":") ? key.substring(0, key.indexOf(':')) : key;
            switch (bare) {
                case "_count" -> count = Math.min(integer(key, last(occurrences), 0), maxCount);
                case "_offset" -> offset = checkOffset(integer(key, last(occurrences), 0), maxOffset);
                case "_sort" -> occurrences.forEach(v -> sort.addAll(sortKeys(type, v)));
                case "_include" -> occurrences.forEach(v -> includes.add(include(key, v, type, false)));
                case "_revinclude" -> occurrences.forEach(v -> revIncludes.add(include(key, v, type, true)));
                case "_total" -> total = total(last(occurrences));
                default -> {
                    if (PASSED_THROUGH.contains(bare)) {
                        continue;
                    }
                    SearchRequest.Criterion first = criterion(type, key, "", lenient, unknown);
                    if (first == null) {
                        continue;
                    }
                    for (String occurrence : occurrences) {
                        // An empty value is no criterion: FHIR search ignores it (family:contains= matches as if absent).
                        List<String> values = splitOr(occurrence).stream().filter(v -> !v.isEmpty()).toList();
                        if (!values.isEmpty()) {
                            checkSubstrings(first, key, values);
                            criteria.add(withValues(first, values));
                        }
                    }
                }
            }
        }
        if (sort.size() > maxSortKeys) {
            throw new OverturnException(ErrorCode.INVALID_SEARCH, "_sort has " + sort.size() + " keys; this server sorts by at"
                    + " most " + maxSortKeys, "_sort");
        }
        if (!unknown.isEmpty()) {
            throw new OverturnException(
                    ErrorCode.INVALID_SEARCH,
                    "Unknown search parameter(s) for " + type + ": " + String.join(", ", unknown)
                            + ". See /fhir/metadata for the parameters this server supports.",
                    String.join(",", unknown));
        }
        return new SearchRequest(type, criteria, sort, count, offset, includes, revIncludes, total);
    }

    /** Shortest substring for :contains and :text: the trigram indexes that serve them need three characters. */
    static final int MIN_SUBSTRING = 3;

    private static void checkSubstrings(SearchRequest.Criterion c, String key, List<String> values) {
        SearchRequest.Criterion leaf = c;
        while (leaf.chain() != null) {
            leaf = leaf.chain();
        }
        if (!"contains".equals(leaf.modifier()) && !"text".equals(leaf.modifier())) {
            return;
        }
        for (String v : values) {
            if (Text.normalize(v).length() < MIN_SUBSTRING) {
                throw new OverturnException(ErrorCode.INVALID_SEARCH, key + "=" + v + ": a :" + leaf.modifier()
                        + " search needs at least " + MIN_SUBSTRING + " characters to look for", key);
            }
        }
    }

    private static SearchRequest.Criterion withValues(SearchRequest.Criterion c, List<String> values) {
        if (c.chain() != null) {
            return new SearchRequest.Criterion(
                    c.param(), c.modifier(), List.of(), withValues(c.chain(), values), c.chainTypes(), c.reverse());
        }
        return new SearchRequest.Criterion(c.param(), c.modifier(), values, null, List.of());
    }

    /** Parses a parameter name such as {@code subject:Patient.name:exact}; values are filled in later. */
    private SearchRequest.@Nullable Criterion criterion(
            String type, String key, String prefix, boolean lenient, Set<String> unknown) {
        if (key.startsWith(HAS)) {
            return reverseChained(type, key, prefix, lenient, unknown);
        }
        String head = key;
        String rest = null;
        int dot = key.indexOf('.');
        if (dot > 0) {
            head = key.substring(0, dot);
            rest = key.substring(dot + 1);
        }
        String name = head;
        String modifier = null;
        int colon = head.indexOf(':');
        if (colon > 0) {
            name = head.substring(0, colon);
            modifier = head.substring(colon + 1);
        }
        SearchParam sp = registry.find(type, name);
        if (sp == null) {
            if (!lenient) {
                unknown.add(prefix + key);
            }
            return null;
        }
        if (rest != null) {
            return chained(type, key, sp, modifier, rest, lenient, unknown);
        }
        checkModifier(sp, modifier, key);
        return new SearchRequest.Criterion(sp, modifier, List.of(), null, List.of());
    }

    private SearchRequest.@Nullable Criterion chained(
            String type,
            String key,
            SearchParam sp,
            @Nullable String modifier,
            String rest,
            boolean lenient,
            Set<String> unknown) {
        if (sp.type() != RestSearchParameterTypeEnum.REFERENCE) {
            throw new OverturnException(
                    ErrorCode.INVALID_SEARCH,
                    "'" + key + "': only reference parameters can be chained, and " + sp.name() + " is a "
                            + sp.type().getCode() + " parameter",
                    key);
        }
        List<String> candidates = new ArrayList<>();
        if (modifier != null) {
            candidates.add(modifier);
        } else {
            sp.targets().stream().sorted().forEach(candidates::add);
        }
        String chainedName = rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest;
        String chainedBare = chainedName.contains(":") ? chainedName.substring(0, chainedName.indexOf(':')) : chainedName;
        List<String> types = candidates.stream()
                .filter(registry::supports)
                .filter(t -> registry.find(t, chainedBare) != null)
                .toList();
        if (types.isEmpty()) {
            throw new OverturnException(
                    ErrorCode.INVALID_SEARCH,
                    "'" + key + "': no resource type that " + type + "." + sp.name() + " can point to has a search"
                            + " parameter '" + chainedBare + "'",
                    key);
        }
        // Every candidate type has the chained parameter; parse it against the first (they share the name and kind).
        SearchRequest.Criterion inner = criterion(types.get(0), rest, key + ".", lenient, unknown);
        if (inner == null) {
            return null;
        }
        return new SearchRequest.Criterion(sp, null, List.of(), inner, types);
    }

    private static final String HAS = "_has:";

    /**
     * Parses {@code _has:Observation:patient:code} (search.html#has): the resources of {@code type} that an Observation
     * matching {@code code} points to through its {@code patient} parameter. What follows the reference parameter is
     * a parameter of the referring type, which may itself be a chain or another {@code _has}.
     */
    private SearchRequest.@Nullable Criterion reverseChained(
            String type, String key, String prefix, boolean lenient, Set<String> unknown) {
        String[] parts = key.substring(HAS.length()).split(":", 3);
        if (parts.length < 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
            throw new OverturnException(ErrorCode.INVALID_SEARCH, "'" + prefix + key + "': write _has as"
                    + " _has:[type]:[reference parameter of that type]:[its search parameter], for example"
                    + " _has:Observation:patient:code", prefix + key);
        }
        String source = parts[0];
        if (!registry.supports(source)) {
            throw new OverturnException(ErrorCode.INVALID_SEARCH, "'" + prefix + key + "': " + source
                    + " is not a resource type this server stores", prefix + key);
        }
        SearchParam reference = registry.find(source, parts[1]);
        if (reference == null || reference.type() != RestSearchParameterTypeEnum.REFERENCE) {
            throw new OverturnException(ErrorCode.INVALID_SEARCH, "'" + prefix + key + "': " + source + " has no reference"
                    + " search parameter '" + parts[1] + "'", prefix + key);
        }
        if (!reference.targets().isEmpty() && !reference.targets().contains(type)) {
            throw new OverturnException(ErrorCode.INVALID_SEARCH, "'" + prefix + key + "': " + source + "." + parts[1]
                    + " never points to a " + type + " (it points to " + String.join(", ", reference.targets()) + ")",
                    prefix + key);
        }
        SearchRequest.Criterion inner = criterion(source, parts[2], prefix + HAS + source + ":" + parts[1] + ":", lenient, unknown);
        if (inner == null) {
            return null;
        }
        return new SearchRequest.Criterion(reference, null, List.of(), inner, List.of(source), true);
    }

    private static void checkModifier(SearchParam sp, @Nullable String modifier, String key) {
        if (modifier == null) {
            return;
        }
        Set<String> allowed = switch (sp.type()) {
            case STRING -> STRING_MODIFIERS;
            case TOKEN -> TOKEN_MODIFIERS;
            case URI -> URI_MODIFIERS;
            case REFERENCE -> Set.of("missing");
            default -> PLAIN_MODIFIERS;
        };
        boolean typeModifier = sp.type() == RestSearchParameterTypeEnum.REFERENCE && sp.targets().contains(modifier);
        if (!allowed.contains(modifier) && !typeModifier) {
            throw new OverturnException(
                    ErrorCode.UNSUPPORTED_SEARCH,
                    "Modifier ':" + modifier + "' is not supported on " + sp.type().getCode() + " parameter '"
                            + sp.name() + "'; supported: " + String.join(", ", allowed),
                    key);
        }
    }

    private List<SearchRequest.SortKey> sortKeys(String type, String value) {
        List<SearchRequest.SortKey> keys = new ArrayList<>();
        for (String part : value.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            boolean desc = p.startsWith("-");
            String name = desc ? p.substring(1) : p;
            SearchParam sp = registry.find(type, name);
            if (sp == null) {
                throw new OverturnException(
                        ErrorCode.INVALID_SEARCH, "_sort: " + type + " has no search parameter '" + name + "'", "_sort");
            }
            if (sp.type() == RestSearchParameterTypeEnum.URI) {
                throw new OverturnException(
                        ErrorCode.UNSUPPORTED_SEARCH, "_sort: sorting by uri parameter '" + name + "' is not supported", "_sort");
            }
            keys.add(new SearchRequest.SortKey(sp, desc));
        }
        return keys;
    }

    private SearchRequest.Include include(String key, String value, String type, boolean reverse) {
        boolean iterate = key.endsWith(":iterate") || key.endsWith(":recurse");
        String[] parts = value.split(":");
        if (value.equals("*")) {
            return new SearchRequest.Include(type, null, null, iterate);
        }
        if (parts.length < 2 || parts.length > 3) {
            throw new OverturnException(
                    ErrorCode.INVALID_SEARCH,
                    key + "=" + value + ": expected SourceType:searchParam[:TargetType]",
                    key);
        }
        String source = parts[0];
        String param = parts[1];
        if (!registry.supports(source)) {
            throw new OverturnException(ErrorCode.INVALID_SEARCH, key + ": unknown resource type '" + source + "'", key);
        }
        if (!param.equals("*")) {
            SearchParam sp = registry.find(source, param);
            if (sp == null || sp.type() != RestSearchParameterTypeEnum.REFERENCE) {
                throw new OverturnException(
                        ErrorCode.INVALID_SEARCH,
                        key + ": " + source + " has no reference search parameter '" + param + "'",
                        key);
            }
        }
        if (!reverse && !iterate && !source.equals(type)) {
            throw new OverturnException(
                    ErrorCode.INVALID_SEARCH,
                    key + "=" + value + ": the source type must be " + type + " (or use :iterate)",
                    key);
        }
        return new SearchRequest.Include(source, param.equals("*") ? null : param, parts.length == 3 ? parts[2] : null, iterate);
    }

    private static SearchRequest.Total total(String value) {
        try {
            return SearchRequest.Total.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new OverturnException(
                    ErrorCode.INVALID_SEARCH, "_total must be none, estimate or accurate, not '" + value + "'", "_total");
        }
    }

    private static int integer(String name, String value, int min) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < min) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new OverturnException(
                    ErrorCode.INVALID_SEARCH, name + " must be a whole number >= " + min + ", not '" + value + "'", name);
        }
    }

    private static String last(List<String> values) {
        return values.get(values.size() - 1);
    }

    /** Splits on commas not escaped with a backslash, and removes the escapes. */
    static List<String> splitOr(String value) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                current.append(value.charAt(++i));
            } else if (c == ',') {
                out.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        out.add(current.toString());
        return out;
    }
}
