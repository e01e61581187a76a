package org.overturn.law;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.overturn.law.JurisdictionRules.Clock;
import org.overturn.law.JurisdictionRules.MonthEnd;
import org.overturn.law.JurisdictionRules.Option;
import org.overturn.law.JurisdictionRules.RuleDuration;
import org.overturn.law.JurisdictionRules.RuleSet;
import org.overturn.law.JurisdictionRules.Unit;
import org.overturn.law.JurisdictionRules.Verification;
import org.jspecify.annotations.Nullable;

/**
 * Reads jurisdictions.yaml into {@link JurisdictionRules}. The file keeps the shape of the shared state-rules data, so
 * it is walked rather than bound: any {@code {value, unit}} object is a clock, a {@code null} field is a clock the
 * sources leave open, and the other objects are sections. Each bad clock adds one problem naming the file and path.
 */
final class JurisdictionRulesReader {
    static final String FILE = "jurisdictions.yaml";
    private static final Pattern STATE = Pattern.compile("[A-Z]{2}");
    private static final Set<String> CLOCK_FIELDS = Set.of("value", "unit", "rule", "source", "ifNoSuchDay");
    private static final String UNITS = Arrays.stream(Unit.values()).map(Unit::label).toList().toString();
    private static final String MONTH_ENDS = Arrays.stream(MonthEnd.values()).map(MonthEnd::label).toList().toString();
    private static final String VERIFICATIONS =
            Arrays.stream(Verification.values()).map(Verification::label).toList().toString();

    private final List<String> problems;

    JurisdictionRulesReader(List<String> problems) {
        this.problems = problems;
    }

    JurisdictionRules read(JsonNode file, int version) {
        Map<String, RuleSet> sets = new LinkedHashMap<>();
        for (String list : List.of("federal", "jurisdictions")) {
            for (JsonNode rules : file.path(list)) {
                String id = rules.path("id").asText();
                String at = FILE + " " + (id.isEmpty() ? list + " entry without id" : id);
                require(!id.isEmpty(), at + ": needs an id");
                require(!sets.containsKey(id), at + ": id appears twice");
                String source = rules.path("source").asText();
                require(!source.isBlank(), at + ": needs a source");
                String state = null;
                String name = rules.path("name").asText();
                if (list.equals("jurisdictions")) {
                    state = rules.path("state").asText();
                    require(STATE.matcher(state).matches(), at + ": state must be a two-letter code");
                    name = rules.path("regulator").path("name").asText();
                    require(!name.isBlank(), at + ": needs the regulator's name");
                }
                Map<String, Clock> clocks = new LinkedHashMap<>();
                section(id, "", rules, null, source, clocks);
                if (!id.isEmpty()) {
                    sets.putIfAbsent(id, new RuleSet(id, state, name, source, clocks));
                }
            }
        }
        require(!sets.isEmpty(), FILE + ": has no rules");
        return new JurisdictionRules(version, sets);
    }

    /** Reads the clocks of one object; {@code path} is its dotted path in the rule set ("" for the rule set itself). */
    private void section(
            String id, String path, JsonNode node, @Nullable Verification inherited, String inheritedSource,
            Map<String, Clock> clocks) {
        String at = FILE + " " + id + (path.isEmpty() ? "" : "." + path);
        Verification own = inherited;
        String source = node.path("source").asText("").isBlank() ? inheritedSource : node.path("source").asText();
        for (var field : iterable(node)) {
            String key = field.getKey();
            if (key.equals("verification") || key.endsWith("Verification")) {
                Verification v = verification(field.getValue(), at + "." + key);
                if (key.equals("verification") && v != null) {
                    own = v;
                }
            }
        }
        for (var field : iterable(node)) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            String name = path.isEmpty() ? key : path + "." + key;
            if (isDuration(value)) {
                String clockAt = FILE + " " + id + "." + name;
                RuleDuration d = duration(value, clockAt);
                List<Option> options = d == null ? List.of()
                        : List.of(new Option(d, value.path("source").asText(source), monthEnd(value, d, clockAt)));
                clocks.put(name, clock(id, name, key, node, options, own, source, at));
            } else if (value.isNull()) {
                clocks.put(name, clock(id, name, key, node, candidates(id, name, node.path(key + "Candidates")), own, source, at));
            } else if (value.isObject()) {
                section(id, name, value, own, source, clocks);
            } else if (key.endsWith("Candidates")) {
                String clock = key.substring(0, key.length() - "Candidates".length());
                require(node.path(clock).isNull() && node.has(clock),
                        at + "." + key + ": candidates belong to a clock written as null (" + clock + ": null)");
            }
        }
    }

    private Clock clock(
            String id, String name, String key, JsonNode section, List<Option> options, @Nullable Verification own,
            String source, String at) {
        Verification verification = own;
        int longest = -1;
        List<String> notes = new ArrayList<>();
        for (var field : iterable(section)) {
            String f = field.getKey();
            if (f.endsWith("Verification")) {
                String prefix = f.substring(0, f.length() - "Verification".length());
                Verification v = Verification.fromLabel(field.getValue().asText()).orElse(null);
                if (key.startsWith(prefix) && prefix.length() > longest && v != null) {
                    verification = v;
                    longest = prefix.length();
                }
            } else if ((f.equals("note") || f.endsWith("Note")) && field.getValue().isTextual()) {
                String prefix = f.equals("note") ? "" : f.substring(0, f.length() - "Note".length());
                if (key.startsWith(prefix)) {
                    notes.add(field.getValue().asText());
                }
            }
        }
        JsonNode rule = section.path(key).path("rule");
        if (rule.isTextual()) {
            notes.add(rule.asText());
        }
        if (verification == null) {
            problems.add(at + "." + key + ": needs a verification (its own " + key
                    + "Verification, its section's or its rule set's)");
            verification = Verification.UNVERIFIED;
        }
        return new Clock(id, name, options, verification, source, notes);
    }

    private List<Option> candidates(String id, String name, JsonNode list) {
        List<Option> options = new ArrayList<>();
        int i = 0;
        for (JsonNode candidate : list) {
            String at = FILE + " " + id + "." + name + "Candidates[" + i++ + "]";
            RuleDuration d = isDuration(candidate) ? duration(candidate, at) : null;
            require(isDuration(candidate), at + ": a candidate is a {value, unit, source}");
            String source = candidate.path("source").asText();
            require(!source.isBlank(), at + ": needs a source");
            if (d != null && !source.isBlank()) {
                options.add(new Option(d, source, monthEnd(candidate, d, at)));
            }
        }
        return options;
    }

    private @Nullable RuleDuration duration(JsonNode node, String at) {
        for (var field : iterable(node)) {
            require(CLOCK_FIELDS.contains(field.getKey()), at + ": unknown field '" + field.getKey() + "' in a duration");
        }
        String label = node.path("unit").asText();
        Unit unit = Unit.fromLabel(label).orElse(null);
        require(unit != null, at + ": unit '" + label + "' must be one of " + UNITS);
        JsonNode value = node.path("value");
        boolean whole = value.isIntegralNumber() && value.canConvertToInt() && value.asInt() >= 1;
        require(whole, at + ": a duration needs a positive whole number as its value, not " + value);
        return unit != null && whole ? new RuleDuration(value.asInt(), unit) : null;
    }

    /** The clock's {@code ifNoSuchDay}: only for months; the last day of the shorter month when absent. */
    private MonthEnd monthEnd(JsonNode node, RuleDuration duration, String at) {
        if (!node.has("ifNoSuchDay")) {
            return MonthEnd.LAST_DAY_OF_MONTH;
        }
        String label = node.path("ifNoSuchDay").asText();
        MonthEnd end = MonthEnd.fromLabel(label).orElse(null);
        require(end != null, at + ": ifNoSuchDay '" + label + "' must be one of " + MONTH_ENDS);
        require(duration.unit() == Unit.MONTHS,
                at + ": ifNoSuchDay applies only to a clock in months, not " + duration.unit().label());
        return end == null ? MonthEnd.LAST_DAY_OF_MONTH : end;
    }

    private @Nullable Verification verification(JsonNode value, String at) {
        Verification v = Verification.fromLabel(value.asText()).orElse(null);
        require(v != null, at + ": '" + value.asText() + "' is not one of " + VERIFICATIONS);
        return v;
    }

    private static boolean isDuration(JsonNode node) {
        return node.isObject() && (node.has("value") || node.has("unit"));
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }

    private void require(boolean ok, String problem) {
        if (!ok) {
            problems.add(problem);
        }
    }
}
