package org.overturn.law;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * regimes.yaml: which rule sets of jurisdictions.yaml govern each regime, the time zone of each state, and the codes
 * and words on a Coverage that narrow the candidate regimes. Field names are the YAML keys.
 */
public record RegimeRules(
        int version,
        String description,
        Zone defaultZone,
        List<StateInfo> states,
        List<RegulatorKind> otherStateCandidates,
        List<Regime> regimes,
        Floors stateFloors,
        List<DecidingFact> decidingFacts,
        String stateFact,
        List<TypeCode> typeCodes,
        List<Keyword> keywords) {

    public RegimeRules {
        states = List.copyOf(states);
        otherStateCandidates = List.copyOf(otherStateCandidates);
        regimes = List.copyOf(regimes);
        decidingFacts = List.copyOf(decidingFacts);
        typeCodes = List.copyOf(typeCodes);
        keywords = List.copyOf(keywords);
    }

    public record Zone(String zone, String why) {}

    /** A state: its two-letter code, names it is written with, time zone and candidate regimes (null: the others'). */
    public record StateInfo(String state, List<String> names, String zone, @Nullable List<RegulatorKind> candidates) {
        public StateInfo {
            names = names == null ? List.of() : List.copyOf(names);
        }
    }

    /** A regime's rule sets in search order; {@code state} is null for federal regimes. */
    public record Regime(RegulatorKind kind, @Nullable String state, List<String> rules) {
        public Regime {
            rules = List.copyOf(rules);
        }
    }

    public record Floors(List<String> rules, String source, String verification) {
        public Floors {
            rules = List.copyOf(rules);
        }
    }

    /** The fact that decides between candidates drawn from two or more of the groups in {@code between}. */
    public record DecidingFact(List<List<RegulatorKind>> between, String fact) {
        public DecidingFact {
            between = between.stream().map(List::copyOf).toList();
        }
    }

    /**
     * A Coverage.type code and the regimes it leaves possible ({@code kinds}), or why such coverage is outside the rules
     * ({@code outOfScope}). With {@code prefix} the code also matches the codes under it; the longest match wins.
     */
    public record TypeCode(
            String system,
            String code,
            @Nullable Boolean prefix,
            String display,
            List<RegulatorKind> kinds,
            @Nullable String outOfScope,
            String source,
            String verification) {
        public TypeCode {
            kinds = kinds == null ? List.of() : List.copyOf(kinds);
        }

        public boolean matches(String candidate) {
            return code.equals(candidate) || (Boolean.TRUE.equals(prefix) && candidate.startsWith(code));
        }
    }

    /** Words on plan names and text, with the regimes they leave possible or why they are out of scope. */
    public record Keyword(
            List<String> words,
            List<RegulatorKind> kinds,
            @Nullable String outOfScope,
            @Nullable String note,
            String source,
            String verification) {
        public Keyword {
            words = words == null ? List.of() : List.copyOf(words);
            kinds = kinds == null ? List.of() : List.copyOf(kinds);
        }
    }

    public Optional<StateInfo> state(String code) {
        return states.stream().filter(s -> s.state().equals(code)).findFirst();
    }

    /** The regime entry for a kind in a state; federal kinds ignore the state. */
    public Optional<Regime> regime(RegulatorKind kind, @Nullable String state) {
        return regimes.stream()
                .filter(r -> r.kind() == kind && (kind.federal() || (r.state() != null && r.state().equals(state))))
                .findFirst();
    }

    /** The regimes to consider in a state when nothing on the Coverage narrows them. */
    public List<RegulatorKind> candidatesIn(String state) {
        return state(state).map(StateInfo::candidates).orElse(otherStateCandidates);
    }
}
