package org.overturn.store;

import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.SearchRequest.Criterion;
import org.jspecify.annotations.Nullable;

/**
 * Translates a {@link SearchRequest} into SQL over the resource and index tables. Each criterion becomes an
 * EXISTS over one index table; the values of a criterion are OR-ed inside it. Date and number comparisons follow
 * the FHIR search specification (ranges implied by precision), see docs/adr/0001-storage.md.
 */
final class SqlSearch {
    record Sql(String text, List<Object> args) {}

    private static final List<String> PREFIXES = List.of("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap");

    private final List<Object> args = new ArrayList<>();
    private final StringBuilder where = new StringBuilder();
    /**
     * How a criterion's EXISTS ends. In a driven search it ends with "offset 0", which keeps PostgreSQL from turning it
     * into a hashed subplan (a scan of the criterion's whole index range, then a hash) or a join: each stays a probe of
     * one candidate, so a full page stops the work.
     */
    private String existsEnd = ")";

    /** The time {@code ap} measures its distance from; null only for the plan tests' form of {@link #page}. */
    private final @Nullable Instant now;

    private SqlSearch(@Nullable Instant now) {
        this.now = now;
    }

    /** The page query without a time: for the query-plan tests, which search without {@code ap}. */
    static Sql page(SearchRequest request, int limit, SearchParameterRegistry registry) {
        return page(request, limit, registry, null);
    }

    /** The page query: ids and content of the matches, in the requested order (ties by id). */
    static Sql page(SearchRequest request, int limit, SearchParameterRegistry registry, @Nullable Instant now) {
        SqlSearch s = new SqlSearch(now);
        Paired paired = pair(request.criteria(), composites(registry, request.resourceType()));
        Criterion driver = driver(request.criteria());
        StringBuilder sql = new StringBuilder("select r.res_type, r.res_id, r.version, r.last_updated, r.content from ");
        if (paired != null && paired.drivesSort(request.sort())) {
            // The due-work query (status=...&deadline=...&_sort=deadline): the composite index range yields the matches
            // already in deadline order, so the database reads a page of rows instead of sorting every match.
            s.where.append("i.res_type = ? and i.param = ? and ");
            s.args.add(request.resourceType());
            s.args.add(paired.composite().name());
            s.pairedValues(paired);
            s.where.append(" and ");
            s.filter("r", request.resourceType(), without(request.criteria(), paired), null);
            s.compartment(request, registry, "r");
            sql.append("idx_token_date i join resource r on r.res_type = i.res_type and r.res_id = i.res_id where ")
                    .append(s.where)
                    .append(" order by i.low, i.res_id limit ? offset ?");
        } else if (request.sort().isEmpty() && paired == null && driver != null) {
            return s.driven(request, driver, limit, registry);
        } else if (request.sort().isEmpty() && (!request.criteria().isEmpty() || request.compartment() != null)) {
            // Default order with criteria no index range answers alone (only :missing, :not, :text, chains, _lastUpdated,
            // _id, a compartment): the matches are found first, whatever the statistics say, and only their ids are sorted;
            // then the page's rows are read. Walking the whole type in order and testing each row against the criteria
            // is what a planner with stale statistics picks for "order by ... limit", and it costs seconds on a table
            // that grew since its last ANALYZE.
            s.filter("r", request.resourceType(), without(request.criteria(), paired), paired);
            s.compartment(request, registry, "r");
            String matches = "with m as materialized (select r.res_id from resource r where " + s.where + ") ";
            s.args.add(limit);
            s.args.add(request.offset());
            s.args.add(request.resourceType());
            return new Sql(matches + "select r.res_type, r.res_id, r.version, r.last_updated, r.content"
                    + " from (select res_id from m order by res_id limit ? offset ?) p"
                    + " join resource r on r.res_type = ? and r.res_id = p.res_id order by p.res_id", s.args);
        } else {
            s.filter("r", request.resourceType(), without(request.criteria(), paired), paired);
            s.compartment(request, registry, "r");
            sql.append("resource r where ").append(s.where).append(" order by ");
            for (SearchRequest.SortKey key : request.sort()) {
                sql.append(s.sortExpression(key)).append(key.descending() ? " desc nulls last, " : " asc nulls last, ");
            }
            sql.append("r.res_id limit ? offset ?");
        }
        s.args.add(limit);
        s.args.add(request.offset());
        return new Sql(sql.toString(), s.args);
    }

    /**
     * The default order (no {@code _sort}) is the resource id: the order of every index table's rows within one value, so
     * that a page can be read from the driving criterion's index range and stop once it is full. The driving criterion
     * (see {@link #driver}) yields candidate ids from one index range; each candidate is tested against the other
     * criteria, in id order, until the page is full; only then are the page's resources read. No step walks the type
     * in order or reads a resource that is not on the page, whatever the planner's statistics say (ADR 0001).
     */
    private Sql driven(SearchRequest request, Criterion driver, int limit, SearchParameterRegistry registry) {
        String type = request.resourceType();
        SearchParam sp = driver.param();
        where.append("select i.res_type, i.res_id, i.patient_id from ").append(table(sp))
                .append(" i where i.res_type = ? and i.param = ? and (");
        args.add(type);
        args.add(sp.name());
        for (int i = 0; i < driver.values().size(); i++) {
            where.append(i > 0 ? " or " : "");
            value(sp, driver.modifier(), driver.values().get(i));
        }
        where.append(")) d where true");
        existsEnd = " offset 0)";
        for (Criterion c : request.criteria()) {
            if (c != driver) {
                // "(...) is true" keeps each test a probe of one candidate: pulled up into a join, the planner could
                // start from the other criterion's whole index range instead.
                where.append(" and (");
                criterion("d", type, c);
                where.append(") is true");
            }
        }
        compartment(request, registry, "d");
        args.add(limit);
        args.add(request.offset());
        args.add(type);
        return new Sql("select r.res_type, r.res_id, r.version, r.last_updated, r.content from (select d.res_id from ("
                + where + " group by d.res_id order by d.res_id limit ? offset ?) p"
                + " join resource r on r.res_type = ? and r.res_id = p.res_id order by p.res_id", args);
    }

    /**
     * The criterion whose index range is likeliest to be the narrowest, chosen by its kind alone (no statistics):
     * an identifier, a reference (one patient's, one claim's resources), a system and code, a code, then strings, URIs,
     * numbers and dates. Null when no criterion is answered by one index range of its own (modifiers other than
     * :exact, chains, composites), when a criterion needs the resource row itself (_lastUpdated), and when ids are
     * given (_id: the primary key finds those few rows, tested by the other criteria, better than any index range).
     */
    static @Nullable Criterion driver(List<Criterion> criteria) {
        if (criteria.stream().anyMatch(c -> c.chain() == null && c.param().isColumn()
                && (c.param().name().equals("_lastUpdated") || c.modifier() == null))) {
            return null;
        }
        Criterion best = null;
        int bestRank = Integer.MAX_VALUE;
        for (Criterion c : criteria) {
            int rank = rank(c);
            if (rank < bestRank) {
                best = c;
                bestRank = rank;
            }
        }
        return best;
    }

    private static int rank(Criterion c) {
        SearchParam sp = c.param();
        if (c.chain() != null || c.values().isEmpty() || sp.isColumn() || sp.composite() != null
                || (c.modifier() != null && !(sp.type() == RestSearchParameterTypeEnum.STRING && "exact".equals(c.modifier())))) {
            return Integer.MAX_VALUE;
        }
        return switch (sp.type()) {
            case TOKEN -> identifies(c) ? 0 : c.values().stream().allMatch(SqlSearch::systemAndCode) ? 2 : 3;
            case REFERENCE -> c.values().stream().anyMatch(SqlSearch::absolute) ? Integer.MAX_VALUE : 1;
            case STRING -> 4;
            case URI -> 5;
            case NUMBER, QUANTITY -> 6;
            case DATE -> 7;
            default -> Integer.MAX_VALUE;
        };
    }

    private static boolean systemAndCode(String value) {
        int bar = value.indexOf('|');
        return bar > 0 && bar < value.length() - 1;
    }

    /** A reference searched by its absolute URL, which no index range serves (idx_reference is keyed by type and id). */
    private static boolean absolute(String value) {
        return value.startsWith("http://") || value.startsWith("https://") || value.startsWith("urn:");
    }

    /** The rows to count for {@code _total}: one per match, to be wrapped in a bounded count. */
    static Sql count(SearchRequest request, SearchParameterRegistry registry, Instant now) {
        SqlSearch s = new SqlSearch(now);
        Paired paired = pair(request.criteria(), composites(registry, request.resourceType()));
        s.filter("r", request.resourceType(), without(request.criteria(), paired), paired);
        s.compartment(request, registry, "r");
        return new Sql("select 1 from resource r where " + s.where, s.args);
    }

    /**
     * A token criterion and a date criterion that one composite index answers together (for example status and
     * deadline of Task): one index range instead of two lookups per candidate row.
     */
    private record Paired(SearchParam composite, Criterion token, Criterion date) {
        boolean drivesSort(List<SearchRequest.SortKey> sort) {
            return spec(composite).singleValued() && sort.size() == 1 && !sort.get(0).descending()
                    && sort.get(0).param().equals(spec(composite).date());
        }
    }

    private static SearchParam.TokenDate spec(SearchParam composite) {
        return Objects.requireNonNull(composite.composite(), "composites() keeps only composite parameters");
    }

    private static List<SearchParam> composites(SearchParameterRegistry registry, String type) {
        return registry.params(type).stream().filter(p -> p.composite() != null).toList();
    }

    private static @Nullable Paired pair(List<Criterion> criteria, List<SearchParam> composites) {
        for (SearchParam composite : composites) {
            Criterion token = plain(criteria, spec(composite).token());
            Criterion date = plain(criteria, spec(composite).date());
            if (token != null && date != null) {
                return new Paired(composite, token, date);
            }
        }
        return null;
    }

    /** The first criterion on {@code param} with values and no modifier (":text", ":not" and ":missing" are not pairs). */
    private static @Nullable Criterion plain(List<Criterion> criteria, SearchParam param) {
        return criteria.stream()
                .filter(c -> c.chain() == null && c.modifier() == null && !c.values().isEmpty() && c.param().equals(param))
                .findFirst()
                .orElse(null);
    }

    private static List<Criterion> without(List<Criterion> criteria, @Nullable Paired paired) {
        return paired == null ? criteria : criteria.stream().filter(c -> c != paired.token() && c != paired.date()).toList();
    }

    /**
     * Membership of the request's Patient compartment, as the indexer files it: the primary patient on the row, or a
     * local reference to the Patient from any of the type's compartment parameters (a performer, a Provenance target).
     */
    private void compartment(SearchRequest request, SearchParameterRegistry registry, String alias) {
        if (request.compartment() != null) {
            compartment(where, args, alias, request.resourceType(), request.compartment(), registry);
        }
    }

    /**
     * Appends " and (membership)" for rows aliased {@code alias} (of the resource, resource_version or index tables) of
     * {@code type}: the row's primary patient, or a current local reference to the Patient from any of the type's
     * compartment parameters.
     */
    static void compartment(StringBuilder where, List<Object> args, String alias, String type, String patient,
            SearchParameterRegistry registry) {
        String[] params = registry.params(type).stream()
                .filter(SearchParam::inPatientCompartment).map(SearchParam::name).toArray(String[]::new);
        where.append(" and (").append(alias).append(".patient_id = ? or ").append(alias).append(".res_id = any(array(select i.res_id from idx_reference i"
                + " where i.res_type = ? and i.param = any(?) and i.target_id = ? and i.target_type = 'Patient')))");
        args.add(patient);
        args.add(type);
        args.add(params);
        args.add(patient);
    }

    private void filter(String alias, String type, List<Criterion> criteria, @Nullable Paired paired) {
        where.append(alias).append(".res_type = ? and not ").append(alias).append(".deleted");
        args.add(type);
        // With an identifier among the criteria, the others are tested on its few matches only: "(...) is true" keeps
        // the planner from turning them into joins it might start from.
        boolean identified = criteria.stream().anyMatch(SqlSearch::identifies);
        String open = identified ? " and (" : " and ";
        String close = identified ? ") is true" : "";
        for (Criterion c : criteria) {
            where.append(identifies(c) ? " and " : open);
            criterion(alias, type, c);
            where.append(identifies(c) ? "" : close);
        }
        if (paired != null) {
            where.append(open).append("exists (select 1 from idx_token_date i where i.res_type = ")
                    .append(alias).append(".res_type and i.res_id = ").append(alias)
                    .append(".res_id and i.param = ? and ");
            args.add(paired.composite().name());
            pairedValues(paired);
            where.append(")").append(close);
        }
    }

    /** The token values (OR) and the date values (OR) of a pair, on the composite index row {@code i}. */
    private void pairedValues(Paired paired) {
        where.append("(");
        for (int i = 0; i < paired.token().values().size(); i++) {
            where.append(i > 0 ? " or " : "");
            tokenValue(null, paired.token().values().get(i));
        }
        where.append(") and (");
        for (int i = 0; i < paired.date().values().size(); i++) {
            where.append(i > 0 ? " or " : "");
            datePredicate("i.low", "i.high", paired.date().values().get(i), paired.date().param().name());
        }
        where.append(")");
    }

    private void criterion(String r, String type, Criterion c) {
        SearchParam sp = c.param();
        if (c.reverse()) {
            reverseChain(r, c);
            return;
        }
        if (c.chain() != null) {
            chain(r, c);
            return;
        }
        if ("missing".equals(c.modifier())) {
            boolean missing = c.values().stream().anyMatch(v -> v.equals("true"));
            if (sp.isColumn()) {
                where.append(missing ? "false" : "true");
                return;
            }
            where.append(missing ? "not exists" : "exists")
                    .append(" (select 1 from ")
                    .append(table(sp))
                    .append(" i where i.res_type = ")
                    .append(r)
                    .append(".res_type and i.res_id = ")
                    .append(r)
                    .append(".res_id and i.param = ?").append(existsEnd);
            args.add(sp.name());
            return;
        }
        if (sp.name().equals("_id")) {
            boolean not = "not".equals(c.modifier());
            where.append(r).append(not ? ".res_id <> all(?)" : ".res_id = any(?)");
            args.add(c.values().toArray(new String[0]));
            return;
        }
        if (sp.name().equals("_lastUpdated")) {
            where.append("(");
            for (int i = 0; i < c.values().size(); i++) {
                if (i > 0) {
                    where.append(" or ");
                }
                datePredicate(r + ".last_updated", r + ".last_updated", c.values().get(i), sp.name());
            }
            where.append(")");
            return;
        }
        if (identifies(c)) {
            // An identifier names one resource or a handful: its matches are found first, once, whatever the
            // planner's statistics say. Tested per candidate row (as below), a conditional create's lookup such as
            // "use=preauthorization&identifier=..." started from every Claim when statistics were stale (ADR 0001).
            where.append(r).append(".res_id = any(array(select i.res_id from idx_token i where i.res_type = ? and i.param = ? and (");
            args.add(type);
            args.add(sp.name());
            for (int i = 0; i < c.values().size(); i++) {
                where.append(i > 0 ? " or " : "");
                tokenValue(null, c.values().get(i));
            }
            where.append(")))");
            return;
        }
        if (substring(c)) {
            // A substring anywhere in the value (for :text, at the start of a display): only the trigram index (V11) can
            // narrow it, so its matches are found first, once. Type and parameter are compared as one string so that no
            // B-tree serves the subquery: with statistics from when the table was small, the planner would otherwise
            // walk every row of the parameter.
            where.append(r).append(".res_id = any(array(select i.res_id from ").append(table(sp))
                    .append(" i where i.res_type || '/' || i.param = ? and (");
            args.add(type + "/" + sp.name());
            for (int i = 0; i < c.values().size(); i++) {
                where.append(i > 0 ? " or " : "");
                value(sp, c.modifier(), c.values().get(i));
            }
            where.append(")))");
            return;
        }
        boolean negate = sp.type() == RestSearchParameterTypeEnum.TOKEN && "not".equals(c.modifier());
        where.append(negate ? "not exists" : "exists")
                .append(" (select 1 from ")
                .append(table(sp))
                .append(" i where i.res_type = ")
                .append(r)
                .append(".res_type and i.res_id = ")
                .append(r)
                .append(".res_id and i.param = ? and (");
        args.add(sp.name());
        for (int i = 0; i < c.values().size(); i++) {
            if (i > 0) {
                where.append(" or ");
            }
            value(sp, c.modifier(), c.values().get(i));
        }
        where.append(")").append(existsEnd);
    }

    private static boolean substring(Criterion c) {
        return (c.param().type() == RestSearchParameterTypeEnum.STRING && "contains".equals(c.modifier()))
                || (c.param().type() == RestSearchParameterTypeEnum.TOKEN && "text".equals(c.modifier()));
    }

    /** A plain identifier criterion whose every value names a code: few resources match it. */
    private static boolean identifies(Criterion c) {
        return c.param().name().equals("identifier") && c.param().type() == RestSearchParameterTypeEnum.TOKEN
                && c.modifier() == null && c.values().stream().allMatch(v -> !v.isEmpty() && !v.endsWith("|"));
    }

    private void chain(String r, Criterion c) {
        Criterion inner = c.chain();
        where.append("exists (select 1 from idx_reference i where i.res_type = ")
                .append(r)
                .append(".res_type and i.res_id = ")
                .append(r)
                .append(".res_id and i.param = ? and (");
        args.add(c.param().name());
        String alias = r + "c";
        for (int t = 0; t < c.chainTypes().size(); t++) {
            String targetType = c.chainTypes().get(t);
            if (t > 0) {
                where.append(" or ");
            }
            where.append("(i.target_type = ? and exists (select 1 from resource ")
                    .append(alias)
                    .append(" where ")
                    .append(alias)
                    .append(".res_id = i.target_id and ");
            args.add(targetType);
            filter(alias, targetType, List.of(inner), null);
            where.append("))");
        }
        where.append(")").append(existsEnd);
    }

    /**
     * {@code _has}: a resource of the referring type points here through the reference parameter and matches the inner
     * criterion. Found from the reference index by this resource's id (idx_reference_target), then tested.
     */
    private void reverseChain(String r, Criterion c) {
        String source = c.chainTypes().get(0);
        String alias = r + "h";
        where.append("exists (select 1 from idx_reference i where i.res_type = ? and i.param = ? and i.target_id = ")
                .append(r).append(".res_id and i.target_type = ").append(r).append(".res_type and exists (select 1 from resource ")
                .append(alias).append(" where ").append(alias).append(".res_id = i.res_id and ");
        args.add(source);
        args.add(c.param().name());
        filter(alias, source, List.of(Objects.requireNonNull(c.chain(), "a reverse chain has its criterion")), null);
        where.append(")").append(existsEnd);
    }

    /** The index table that holds the parameter's rows. */
    static String table(SearchParam sp) {
        return switch (sp.type()) {
            case STRING -> "idx_string";
            case TOKEN -> "idx_token";
            case REFERENCE -> "idx_reference";
            case DATE -> "idx_date";
            case NUMBER, QUANTITY -> "idx_quantity";
            case URI -> "idx_uri";
            case COMPOSITE -> sp.components() != null ? "idx_composite" : "idx_token_date";
            default -> throw new OverturnException(
                    ErrorCode.UNSUPPORTED_SEARCH, "Search parameter '" + sp.name() + "' cannot be searched yet");
        };
    }

    private void value(SearchParam sp, @Nullable String modifier, String value) {
        switch (sp.type()) {
            case STRING -> stringValue(modifier, value);
            case TOKEN -> tokenValue(modifier, value);
            case REFERENCE -> referenceValue(sp, modifier, value);
            case DATE -> datePredicate("i.low", "i.high", value, sp.name());
            case NUMBER, QUANTITY -> quantityValue(sp, value);
            case URI -> uriValue(modifier, value);
            case COMPOSITE -> compositeValue(sp, value);
            default -> throw new OverturnException(
                    ErrorCode.UNSUPPORTED_SEARCH, "Search parameter '" + sp.name() + "' cannot be searched yet");
        }
    }

    /** {@code token$date}, such as {@code requested$le2026-03-01}: both on the same composite index row. */
    private void compositeValue(SearchParam sp, String value) {
        if (sp.components() != null) {
            componentsValue(sp, sp.components(), value);
            return;
        }
        int dollar = value.indexOf('$');
        if (sp.composite() == null || dollar < 0) {
            throw new OverturnException(ErrorCode.INVALID_SEARCH, sp.name() + ": '" + value
                    + "' is not a composite value (expected token$date, such as requested$le2026-03-01)", sp.name());
        }
        where.append("(");
        tokenValue(null, value.substring(0, dollar));
        where.append(" and ");
        datePredicate("i.low", "i.high", value.substring(dollar + 1), sp.name());
        where.append(")");
    }

    /**
     * An R4 composite, {@code token$value} such as {@code http://loinc.org|2345-7$gt150|http://unitsofmeasure.org|mg/dL}:
     * both parts on one pair row. The second part is tested with its own kind's predicate, on the row's second columns
     * renamed to what that predicate reads.
     */
    private void componentsValue(SearchParam sp, SearchParam.Components components, String value) {
        int dollar = value.indexOf('$');
        if (dollar <= 0 || dollar == value.length() - 1) {
            throw new OverturnException(ErrorCode.INVALID_SEARCH, sp.name() + ": '" + value + "' is not a composite value"
                    + " (expected " + components.first().name() + "$" + components.second().name() + ", such as"
                    + " http://loinc.org|2345-7$gt150)", sp.name());
        }
        String second = value.substring(dollar + 1);
        where.append("(");
        tokenValue(null, value.substring(0, dollar));
        where.append(" and ");
        switch (components.second().type()) {
            case TOKEN -> {
                where.append("exists (select 1 from (select i.value_system as system, i.value_code as code, null::text as text_norm) i where ");
                tokenValue(null, second);
                where.append(")");
            }
            case QUANTITY -> {
                where.append("exists (select 1 from (select i.value as value, i.value_system as system, i.value_code as code) i where ");
                quantityValue(sp, second);
                where.append(")");
            }
            case DATE -> datePredicate("i.low", "i.high", second, sp.name());
            case STRING -> stringValue(null, second);
            default -> throw new IllegalStateException("the registry offers no composite of " + components.second().type());
        }
        where.append(")");
    }

    private void stringValue(@Nullable String modifier, String value) {
        if ("exact".equals(modifier)) {
            where.append("i.value_exact = ?");
            args.add(Text.cut(value));
        } else if ("contains".equals(modifier)) {
            where.append("i.value_norm like ? escape '\\'");
            args.add("%" + escapeLike(Text.normalize(value)) + "%");
        } else {
            where.append("i.value_norm like ? escape '\\'");
            args.add(escapeLike(Text.normalize(value)) + "%");
        }
    }

    private void tokenValue(@Nullable String modifier, String value) {
        if ("text".equals(modifier)) {
            // ":text - the search parameter is processed as a string" (R4 search.html#token), and a string search
            // matches at the start of the text or display, not anywhere inside it (that is string's ":contains").
            where.append("i.text_norm like ? escape '\\'");
            args.add(escapeLike(Text.normalize(value)) + "%");
            return;
        }
        int bar = value.indexOf('|');
        if (bar < 0) {
            where.append("i.code = ?");
            args.add(value);
        } else {
            String system = value.substring(0, bar);
            String code = value.substring(bar + 1);
            if (system.isEmpty()) {
                where.append("(i.system is null and i.code = ?)");
                args.add(code);
            } else if (code.isEmpty()) {
                where.append("i.system = ?");
                args.add(system);
            } else {
                where.append("(i.system = ? and i.code = ?)");
                args.add(system);
                args.add(code);
            }
        }
    }

    private void referenceValue(SearchParam sp, @Nullable String modifier, String value) {
        String v = value.replaceFirst("/_history/[^/]+$", "");
        if (modifier != null) {
            where.append("(i.target_type = ? and i.target_id = ?)");
            args.add(modifier);
            args.add(v.contains("/") ? v.substring(v.lastIndexOf('/') + 1) : v);
            return;
        }
        if (v.startsWith("http://") || v.startsWith("https://") || v.startsWith("urn:")) {
            where.append("i.target_url = ?");
            args.add(v);
            return;
        }
        String[] parts = v.split("/");
        if (parts.length == 2) {
            where.append("(i.target_type = ? and i.target_id = ?)");
            args.add(parts[0]);
            args.add(parts[1]);
        } else if (parts.length == 1) {
            where.append("i.target_id = ?");
            args.add(v);
        } else {
            throw new OverturnException(
                    ErrorCode.INVALID_SEARCH,
                    "'" + value + "' is not a reference (expected id, Type/id or an absolute URL)",
                    sp.name());
        }
    }

    private void uriValue(@Nullable String modifier, String value) {
        if ("below".equals(modifier)) {
            where.append("i.uri like ? escape '\\'");
            args.add(escapeLike(value) + "%");
        } else if ("above".equals(modifier)) {
            where.append("? like (replace(replace(i.uri, '%', '\\%'), '_', '\\_') || '%') escape '\\'");
            args.add(value);
        } else {
            where.append("i.uri = ?");
            args.add(value);
        }
    }

    private record Prefixed(String prefix, String value) {}

    private static Prefixed prefixed(String value) {
        if (value.length() > 2 && PREFIXES.contains(value.substring(0, 2).toLowerCase(Locale.ROOT))
                && !Character.isLetter(value.charAt(2))) {
            return new Prefixed(value.substring(0, 2).toLowerCase(Locale.ROOT), value.substring(2));
        }
        return new Prefixed("eq", value);
    }

    /** A date criterion on two columns of another table (the audit trail's), as SQL and its arguments. */
    static Sql dateCondition(String low, String high, String raw, String param, Instant now) {
        SqlSearch s = new SqlSearch(now);
        s.datePredicate(low, high, raw, param);
        return new Sql(s.where.toString(), s.args);
    }

    /** Date comparison of a stored range [low, high] against the range the search value implies (FHIR §3.1.1.5.5). */
    private void datePredicate(String low, String high, String raw, String param) {
        Prefixed p = prefixed(raw);
        DateRange range;
        try {
            range = DateRange.parse(p.value());
        } catch (IllegalArgumentException e) {
            throw new OverturnException(ErrorCode.INVALID_SEARCH, param + ": " + e.getMessage(), param);
        }
        OffsetDateTime pl = utc(range.low());
        OffsetDateTime ph = utc(range.high());
        String eq = "(" + low + " >= ? and " + high + " <= ?)";
        switch (p.prefix()) {
            case "eq" -> bind(eq, pl, ph);
            case "ne" -> bind("not " + eq, pl, ph);
            case "gt" -> bind(high + " > ?", ph);
            case "lt" -> bind(low + " < ?", pl);
            case "ge" -> bind("(" + high + " > ? or " + eq + ")", ph, pl, ph);
            // Same as "low < pl or (low >= pl and high <= ph)", with the bound on low an index range can use.
            case "le" -> bind("(" + low + " <= ? and (" + low + " < ? or " + high + " <= ?))", ph, pl, ph);
            case "sa" -> bind(low + " > ?", ph);
            case "eb" -> bind(high + " < ?", pl);
            case "ap" -> {
                Duration distance = Duration.between(range.low(), Objects.requireNonNull(now, "ap needs the time of the search")).abs();
                Duration slack = distance.dividedBy(10);
                if (slack.compareTo(Duration.ofDays(1)) < 0) {
                    slack = Duration.ofDays(1);
                }
                bind("(" + low + " <= ? and " + high + " >= ?)",
                        utc(range.high().plus(slack)), utc(range.low().minus(slack)));
            }
            default -> throw new IllegalStateException(p.prefix());
        }
    }

    private void quantityValue(SearchParam sp, String raw) {
        Prefixed p = prefixed(raw);
        String[] parts = p.value().split("\\|", -1);
        BigDecimal number;
        try {
            number = new BigDecimal(parts[0]);
        } catch (NumberFormatException e) {
            throw new OverturnException(
                    ErrorCode.INVALID_SEARCH,
                    sp.name() + ": '" + raw + "' is not a number (expected [prefix]number[|system|code])",
                    sp.name());
        }
        if (parts.length == 2 && !parts[1].isEmpty()) {
            throw new OverturnException(
                    ErrorCode.INVALID_SEARCH,
                    sp.name() + ": '" + raw + "' must be number, number|system|code or number||code",
                    sp.name());
        }
        String system = parts.length >= 3 ? parts[1] : "";
        String code = parts.length >= 3 ? parts[2] : "";
        where.append("(");
        Optional<UcumCanonical.Value> canonical = UcumCanonical.SYSTEM.equals(system) && !code.isEmpty()
                ? UcumCanonical.of(BigDecimal.ONE, code) : Optional.empty();
        if (canonical.isPresent()) {
            // In the unit asked, or in canonical units, as written or converted at indexing (each bound converted, so
            // the implicit precision carries over).
            where.append("((");
            valueRange(p.prefix(), number, v -> v);
            bind(" and i.system = ? and i.code = ?) or (", system, code);
            valueRange(p.prefix(), number, v -> UcumCanonical.of(v, code).orElseThrow().value());
            bind(" and i.system in (?, ?) and i.code = ?))", system, UcumCanonical.INDEX_SYSTEM, canonical.get().code());
        } else {
            valueRange(p.prefix(), number, v -> v);
            if (system.isEmpty() && code.isEmpty()) {
                bind(" and i.system is distinct from ?", UcumCanonical.INDEX_SYSTEM); // the values as written only
            }
            if (!system.isEmpty()) {
                bind(" and i.system = ?", system);
            }
            if (!code.isEmpty()) {
                bind(" and i.code = ?", code);
            }
        }
        where.append(")");
    }

    /** The value test of a prefix; {@code unit} states a bound of the range asked in the unit compared. */
    private void valueRange(String prefix, BigDecimal number, UnaryOperator<BigDecimal> unit) {
        // Implicit precision: "100" matches [99.5, 100.5), "100.0" matches [99.95, 100.05).
        BigDecimal half = BigDecimal.ONE.movePointLeft(Math.max(number.scale(), 0)).divide(BigDecimal.valueOf(2));
        switch (prefix) {
            case "eq" -> bind("(i.value >= ? and i.value < ?)", unit.apply(number.subtract(half)), unit.apply(number.add(half)));
            case "ne" -> bind("not (i.value >= ? and i.value < ?)", unit.apply(number.subtract(half)), unit.apply(number.add(half)));
            case "gt", "sa" -> bind("i.value > ?", unit.apply(number));
            case "lt", "eb" -> bind("i.value < ?", unit.apply(number));
            case "ge" -> bind("i.value >= ?", unit.apply(number));
            case "le" -> bind("i.value <= ?", unit.apply(number));
            case "ap" -> {
                BigDecimal slack = number.abs().divide(BigDecimal.TEN);
                bind("(i.value >= ? and i.value <= ?)", unit.apply(number.subtract(slack)), unit.apply(number.add(slack)));
            }
            default -> throw new IllegalStateException(prefix);
        }
    }

    private void bind(String sql, Object... values) {
        where.append(sql);
        args.addAll(List.of(values));
    }

    private String sortExpression(SearchRequest.SortKey key) {
        SearchParam sp = key.param();
        if (sp.name().equals("_id")) {
            return "r.res_id";
        }
        if (sp.name().equals("_lastUpdated")) {
            return "r.last_updated";
        }
        String agg = key.descending() ? "max" : "min";
        String column = switch (sp.type()) {
            case STRING -> "value_norm";
            case TOKEN -> "code";
            case REFERENCE -> "target_id";
            case DATE -> key.descending() ? "high" : "low";
            case NUMBER, QUANTITY -> "value";
            default -> throw new OverturnException(
                    ErrorCode.UNSUPPORTED_SEARCH, "_sort: cannot sort by '" + sp.name() + "'", "_sort");
        };
        args.add(sp.name());
        // A quantity sorts by its values as written, not by their canonical copies (1600 for 1.6 g/L).
        String written = table(sp).equals("idx_quantity") ? " and s.system is distinct from '" + UcumCanonical.INDEX_SYSTEM + "'" : "";
        return "(select " + agg + "(s." + column + ") from " + table(sp)
                + " s where s.res_type = r.res_type and s.res_id = r.res_id and s.param = ?" + written + ")";
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static String escapeLike(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
