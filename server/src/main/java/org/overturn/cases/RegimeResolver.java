package org.overturn.cases;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;
import org.overturn.criteria.Knowledge;
import org.overturn.deadlines.Regime;
import org.overturn.deadlines.RegimeCandidates;
import org.overturn.law.Law;
import org.overturn.law.RegimeRules;
import org.overturn.law.RegulatorKind;
import org.overturn.platform.Canonical;
import org.jspecify.annotations.Nullable;

/**
 * Decides which legal regimes may govern a case, and says how. In order: the Overturn coverage-regulator extension on
 * the Coverage (regulator and state); {@code Coverage.type} codes; words on {@code Coverage.type.text} and
 * {@code Coverage.class} names and values. The codes and words are data (knowledge/regimes.yaml); each only narrows
 * the candidates, evidence that contradicts earlier evidence is reported and ignored, and what nothing decides stays
 * open. The state comes from the regulator extension, else the plan's situs extension, else the subscriber's address,
 * else the patient's; which one gave it is kept ({@link RegimeCandidates#stateSource()}).
 */
public final class RegimeResolver {
    /** Complex extension on Coverage, defined in fhir-profiles: sub-extensions {@code regulator} and {@code state}. */
    public static final String EXTENSION = Canonical.BASE + "/StructureDefinition/coverage-regulator";

    public static final String REGULATOR = "regulator";
    public static final String STATE = "state";

    /**
     * Simple extension on Coverage, defined in fhir-profiles: the plan's situs, the state where the policy or contract
     * was issued and whose law governs it (valueCode: a two-letter USPS code or a state name regimes.yaml lists).
     */
    public static final String SITUS = Canonical.BASE + "/StructureDefinition/coverage-situs";

    private static final Pattern TWO_LETTERS = Pattern.compile("[A-Za-z]{2}");
    private static final List<Address.AddressUse> ADDRESS_PREFERENCE = List.of(
            Address.AddressUse.HOME, Address.AddressUse.NULL, Address.AddressUse.TEMP, Address.AddressUse.WORK,
            Address.AddressUse.BILLING);

    private final Knowledge knowledge;
    private final RegimeRules rules;
    private final Map<RegimeRules.Keyword, List<Pattern>> keywords;

    public RegimeResolver(Knowledge knowledge, Law law) {
        this.knowledge = knowledge;
        this.rules = law.regimes();
        this.keywords = rules.keywords().stream().collect(Collectors.toMap(k -> k, k -> k.words().stream()
                // A hyphen before a word negates it ("non-ERISA"); one after it does not ("CDI-regulated").
                .map(w -> Pattern.compile("(?<![\\p{L}\\p{N}-])" + Pattern.quote(w) + "(?![\\p{L}\\p{N}])",
                        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE))
                .toList(), (a, b) -> a, java.util.LinkedHashMap::new));
    }

    /** Resolves with the subscriber and beneficiary that the Coverage's references carry, if any. */
    public RegimeCandidates resolve(Coverage coverage) {
        return resolve(coverage, null, null);
    }

    /**
     * The candidate regimes of a case.
     *
     * @param subscriber the Coverage's subscriber (Patient or RelatedPerson); null: the one its reference carries
     * @param beneficiary the patient; null: the one {@code Coverage.beneficiary} carries
     */
    public RegimeCandidates resolve(Coverage coverage, @Nullable Resource subscriber, @Nullable Patient beneficiary) {
        Resource sub = subscriber != null ? subscriber : carried(coverage.getSubscriber());
        Resource patient = beneficiary != null ? beneficiary : carried(coverage.getBeneficiary());
        List<String> findings = new ArrayList<>();

        RegulatorKind named = null;
        String state = null;
        String stateFinding = null;
        RegimeCandidates.StateSource source = RegimeCandidates.StateSource.NONE;
        Extension extension = coverage.getExtensionByUrl(EXTENSION);
        if (extension != null) {
            String code = text(extension.getExtensionByUrl(REGULATOR));
            if (code != null) {
                named = RegulatorKind.fromCode(code).orElse(null);
                findings.add(named != null
                        ? "Coverage.extension[coverage-regulator].regulator names " + code
                        : "Coverage.extension[coverage-regulator].regulator '" + code + "' is not a known regulator; ignored");
            }
            String written = text(extension.getExtensionByUrl(STATE));
            if (written != null) {
                state = state(written);
                stateFinding = state != null
                        ? "state " + state + " from Coverage.extension[coverage-regulator].state"
                        : "Coverage.extension[coverage-regulator].state '" + written + "' is not a state; ignored";
                findings.add(stateFinding);
                source = state != null ? RegimeCandidates.StateSource.REGULATOR : source;
            }
        }
        String situsWritten = text(coverage.getExtensionByUrl(SITUS));
        if (situsWritten != null) {
            String situs = state(situsWritten);
            if (situs == null) {
                findings.add("Coverage.extension[coverage-situs] '" + situsWritten + "' is not a state; ignored");
            } else if (state == null) {
                state = situs;
                stateFinding = "state " + state + " from Coverage.extension[coverage-situs]";
                findings.add(stateFinding);
                source = RegimeCandidates.StateSource.SITUS;
            } else if (!situs.equals(state)) {
                findings.add("Coverage.extension[coverage-situs] says " + situs + ", which contradicts " + stateFinding + "; ignored");
            }
        }
        if (state == null) {
            for (var who : List.of(new Person(sub, "the subscriber", RegimeCandidates.StateSource.SUBSCRIBER_ADDRESS),
                    new Person(patient, "the patient", RegimeCandidates.StateSource.PATIENT_ADDRESS))) {
                String found = addressState(who, findings);
                if (found != null) {
                    state = found;
                    stateFinding = findings.get(findings.size() - 1);
                    source = who.source();
                    break;
                }
            }
        }
        if (state == null) {
            stateFinding = "no state on the regulator extension, the situs extension, the subscriber's address or the"
                    + " patient's address";
            findings.add(stateFinding);
        }

        if (named != null) {
            Regime regime = new Regime(named, state);
            String basis = "named by Coverage.extension[coverage-regulator]; " + stateFinding;
            return new RegimeCandidates(List.of(new RegimeCandidates.Candidate(regime, basis)), findings, null, state, source);
        }
        Narrowing narrowing = new Narrowing(defaults(state), findings);
        for (Coding coding : coverage.getType().getCoding()) {
            RegimeRules.TypeCode code = typeCode(coding);
            String label = "Coverage.type " + coding.getSystem() + "|" + coding.getCode();
            if (code == null) {
                findings.add(label + " is not a code regimes.yaml knows; ignored");
            } else if (narrowing.apply(label + " (" + code.display() + ")", code.kinds(), code.outOfScope(), null)) {
                return narrowing.outOfScope();
            }
        }
        for (Text text : texts(coverage)) {
            for (var entry : keywords.entrySet()) {
                String word = entry.getValue().stream().map(p -> p.matcher(text.value())).filter(m -> m.find())
                        .map(m -> m.group()).findFirst().orElse(null);
                RegimeRules.Keyword keyword = entry.getKey();
                if (word != null && narrowing.apply(text.element() + " '" + text.value() + "' says '" + word + "'",
                        keyword.kinds(), keyword.outOfScope(), keyword.note())) {
                    return narrowing.outOfScope();
                }
            }
        }
        return narrowing.result(Objects.requireNonNull(stateFinding, "set with the state, or when none is found"), state, source);
    }

    /** Narrows the candidates step by step, remembering which evidence did it. */
    private static final class Narrowing {
        private List<Regime> possible;
        private final List<String> findings;
        private final List<String> decisive = new ArrayList<>();
        private String outOfScope = "";

        Narrowing(List<Regime> possible, List<String> findings) {
            this.possible = possible;
            this.findings = findings;
        }

        /** Applies one piece of evidence; true when it puts the coverage out of scope. */
        boolean apply(String label, List<RegulatorKind> kinds, @Nullable String outOfScope, @Nullable String note) {
            if (outOfScope != null) {
                findings.add(label + ": " + outOfScope);
                this.outOfScope = outOfScope + " (" + label + ")";
                return true;
            }
            List<Regime> narrowed = possible.stream().filter(r -> kinds.contains(r.kind())).toList();
            if (narrowed.isEmpty()) {
                findings.add(label + " contradicts what came before (" + kinds(possible) + "); ignored");
            } else if (narrowed.size() == possible.size()) {
                findings.add(label + " does not decide between " + kinds(possible) + (note == null ? "" : ": " + note));
            } else {
                List<Regime> removed = possible.stream().filter(r -> !narrowed.contains(r)).toList();
                findings.add(label + " rules out " + kinds(removed));
                decisive.add(label);
                possible = narrowed;
            }
            return false;
        }

        RegimeCandidates outOfScope() {
            return new RegimeCandidates(List.of(), findings, outOfScope);
        }

        RegimeCandidates result(String stateFinding, @Nullable String state, RegimeCandidates.StateSource source) {
            String evidence = decisive.isEmpty() ? "nothing on the Coverage decides" : "narrowed by " + String.join(", ", decisive);
            String prefix = possible.size() == 1 ? "" : "one of " + possible.size() + " candidates: ";
            List<RegimeCandidates.Candidate> candidates = possible.stream()
                    .map(r -> new RegimeCandidates.Candidate(r, prefix + evidence + "; " + stateFinding))
                    .toList();
            return new RegimeCandidates(candidates, findings, null, state, source);
        }

        private static String kinds(List<Regime> regimes) {
            return regimes.stream().map(r -> r.kind().code()).distinct().collect(Collectors.joining(", "));
        }
    }

    private record Person(@Nullable Resource resource, String role, RegimeCandidates.StateSource source) {}

    private record Text(String element, String value) {}

    /** The candidates when nothing narrows them: the state's, or every state's (and the federal ones) if unknown. */
    private List<Regime> defaults(@Nullable String state) {
        if (state != null) {
            return rules.candidatesIn(state).stream().map(k -> new Regime(k, state)).toList();
        }
        List<Regime> all = new ArrayList<>();
        Set<RegulatorKind> federal = new LinkedHashSet<>();
        for (RegimeRules.StateInfo s : rules.states()) {
            for (RegulatorKind kind : rules.candidatesIn(s.state())) {
                if (kind.federal()) {
                    federal.add(kind);
                } else {
                    all.add(new Regime(kind, s.state()));
                }
            }
        }
        federal.forEach(kind -> all.add(new Regime(kind, null)));
        return all;
    }

    private RegimeRules.@Nullable TypeCode typeCode(Coding coding) {
        if (!coding.hasSystem() || !coding.hasCode()) {
            return null;
        }
        return rules.typeCodes().stream()
                .filter(c -> knowledge.isSystem(c.system(), coding.getSystem()) && c.matches(coding.getCode()))
                .max(Comparator.comparingInt(c -> c.code().length()))
                .orElse(null);
    }

    /** Plan names and text, each with the element it was read from. */
    private static List<Text> texts(Coverage coverage) {
        List<Text> texts = new ArrayList<>();
        if (coverage.getType().hasText()) {
            texts.add(new Text("Coverage.type.text", coverage.getType().getText()));
        }
        for (int i = 0; i < coverage.getClass_().size(); i++) {
            Coverage.ClassComponent c = coverage.getClass_().get(i);
            if (c.hasName()) {
                texts.add(new Text("Coverage.class[" + i + "].name", c.getName()));
            }
            if (c.hasValue()) {
                texts.add(new Text("Coverage.class[" + i + "].value", c.getValue()));
            }
        }
        return texts;
    }

    /** The resource a reference carries (contained or resolved by the caller), if it is one. */
    private static @Nullable Resource carried(org.hl7.fhir.r4.model.Reference reference) {
        return reference.getResource() instanceof Resource resource ? resource : null;
    }

    /** The state of a person's preferred address (home first; old addresses never), noting what was read. */
    private @Nullable String addressState(Person who, List<String> findings) {
        List<Address> addresses = who.resource() instanceof Patient p ? p.getAddress()
                : who.resource() instanceof RelatedPerson r ? r.getAddress() : List.of();
        List<Address> usable = addresses.stream()
                .filter(a -> a.hasState() && a.getUse() != Address.AddressUse.OLD)
                .sorted(Comparator.comparingInt(a -> ADDRESS_PREFERENCE.indexOf(a.getUse() == null ? Address.AddressUse.NULL : a.getUse())))
                .toList();
        for (Address address : usable) {
            String state = state(address.getState());
            String use = address.getUse() == null ? "" : address.getUse().toCode() + " ";
            String where = who.role() + "'s " + use + "address (" + reference(who.resource()) + ")";
            if (state != null) {
                findings.add("state " + state + " from " + where);
                return state;
            }
            findings.add("'" + address.getState() + "' on " + where + " is not a state regimes.yaml knows; ignored");
        }
        return null;
    }

    /** A two-letter code, or a state name listed in regimes.yaml. */
    private @Nullable String state(String written) {
        String s = written.trim();
        if (TWO_LETTERS.matcher(s).matches()) {
            return s.toUpperCase(Locale.ROOT);
        }
        return rules.states().stream()
                .filter(info -> info.names().stream().anyMatch(n -> n.equalsIgnoreCase(s)))
                .map(RegimeRules.StateInfo::state)
                .findFirst()
                .orElse(null);
    }

    private static @Nullable String text(@Nullable Extension extension) {
        if (extension == null || !(extension.getValue() instanceof PrimitiveType<?> value) || !value.hasValue()) {
            return null;
        }
        return value.getValueAsString().trim();
    }

    private static String reference(@Nullable Resource resource) {
        if (resource == null) {
            return "none";
        }
        return resource.fhirType() + (resource.hasIdElement() ? "/" + resource.getIdElement().getIdPart() : "");
    }
}
