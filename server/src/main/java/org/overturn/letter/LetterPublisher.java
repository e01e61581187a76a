package org.overturn.letter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.overturn.platform.InternalMarks;

/**
 * Turns a composed {@link Letter} into what a reader outside the clinic receives. Composers cite chart resources by
 * reference and knowledge by its internal source; here
 *
 * <ul>
 *   <li>each enclosure that is a chart record loses its reference (kept in {@link Letter#records()}) and is numbered,
 *       and a statement citing that record cites "the enclosure's name, enclosure N";
 *   <li>a knowledge source is shown as its public citation ({@code citation:} in the knowledge files), or as itself
 *       when it carries no internal mark, else not at all (it stays in the Provenance);
 *   <li>a statement resting on an unconfirmed fact (UNVERIFIED, a CONFLICT, "to be confirmed"), a literature fact
 *       without a published citation, or any text still carrying an internal mark goes to the sender's checklist, not
 *       into the letter.
 * </ul>
 *
 * Applying it again changes nothing.
 */
final class LetterPublisher {
    private static final String TYPES = "Patient|Observation|Condition|MedicationStatement|MedicationRequest|DiagnosticReport"
            + "|Procedure|Claim|ClaimResponse|Coverage|Task|DocumentReference|QuestionnaireResponse|Organization|Practitioner"
            + "|AllergyIntolerance";
    private static final Pattern PAREN_REF = Pattern.compile("\\s*\\(((?:" + TYPES + ")/[A-Za-z0-9\\-.]{1,64})\\)");
    private static final Pattern REF = Pattern.compile("(?:" + TYPES + ")/[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern UNCONFIRMED =
            Pattern.compile("UNVERIFIED|CONFLICT|\\((?i:unverified)\\)|\\((?i:to be confirmed)\\)|(?i:not confirmed)");
    private static final List<String> SOURCE_ENCLOSURES = List.of("FDA label: ", "Literature: ", "Guideline: ");

    private LetterPublisher() {}

    /** @param citationOf a knowledge source's public citation, empty when it has none fit to show */
    static Letter publish(Letter letter, Function<String, Optional<String>> citationOf) {
        return publish(letter, citationOf, true);
    }

    /** @param confirm whether unconfirmed statements move to the checklist (false: only citations and ids are cleaned) */
    private static Letter publish(Letter letter, Function<String, Optional<String>> citationOf, boolean confirm) {
        List<String> checklist = new ArrayList<>(letter.checklist());
        List<Letter.Record> records = new ArrayList<>(letter.records());
        Map<String, String> enclosed = new HashMap<>();
        List<String> enclosures = new ArrayList<>();
        for (String e : letter.enclosures()) {
            Matcher m = PAREN_REF.matcher(e);
            List<String> refs = new ArrayList<>();
            while (m.find()) {
                refs.add(m.group(1));
            }
            String text = PAREN_REF.matcher(e).replaceAll("");
            for (String prefix : SOURCE_ENCLOSURES) {
                if (text.startsWith(prefix)) {
                    Optional<String> cited = citationOf.apply(text.substring(prefix.length()));
                    text = cited.map(c -> prefix + c).orElse(null);
                    break;
                }
            }
            if (text == null) {
                checklist.add("Find the published source to enclose for: " + e.substring(e.indexOf(": ") + 2));
                continue;
            }
            if (UNCONFIRMED.matcher(text).find()) {
                checklist.add("Confirm before enclosing: " + text);
                text = text.replace(" (UNVERIFIED)", "").replace(", UNVERIFIED", "");
            }
            if (InternalMarks.find(text).isPresent()) {
                checklist.add("Not listed in the letter (name it plainly to enclose it): " + e);
                continue;
            }
            enclosures.add(text);
            int n = enclosures.size();
            for (String ref : refs) {
                enclosed.putIfAbsent(ref, text + ", enclosure " + n);
                records.add(new Letter.Record(text, ref));
            }
        }
        for (Letter.Record r : letter.records()) {
            int n = enclosures.indexOf(r.enclosure());
            if (n >= 0) {
                enclosed.putIfAbsent(r.reference(), r.enclosure() + ", enclosure " + (n + 1));
            }
        }

        List<Letter.Section> sections = new ArrayList<>();
        for (Letter.Section section : letter.sections()) {
            List<Letter.Statement> statements = new ArrayList<>();
            for (Letter.Statement s : section.statements()) {
                String where = " (" + section.heading() + "; sources: " + String.join("; ", s.citations()) + ")";
                boolean unconfirmed = UNCONFIRMED.matcher(s.text()).find()
                        || (confirm && s.citations().stream().anyMatch(c -> UNCONFIRMED.matcher(c).find()));
                if (unconfirmed) {
                    checklist.add("Confirm before stating it in the letter: " + s.text() + where);
                    continue;
                }
                LinkedHashSet<String> shown = new LinkedHashSet<>();
                boolean published = false;
                for (String c : s.citations()) {
                    if (REF.matcher(c).matches()) {
                        String label = enclosed.get(c);
                        if (label != null) {
                            shown.add(label);
                        }
                    } else {
                        Optional<String> cited = citationOf.apply(c);
                        if (cited.isPresent()) {
                            shown.add(cited.get());
                            published = true;
                        }
                    }
                }
                if (s.needsPublishedSource() && !published) {
                    checklist.add("Find the published source before stating it in the letter: " + s.text() + where);
                    continue;
                }
                String text = PAREN_REF.matcher(s.text()).replaceAll("");
                if (InternalMarks.find(text).isPresent()) {
                    checklist.add("Reword before sending (it names an internal record): " + s.text());
                    continue;
                }
                statements.add(new Letter.Statement(text, List.copyOf(shown), s.needsPublishedSource()));
            }
            if (!statements.isEmpty()) {
                sections.add(new Letter.Section(section.heading(), statements));
            }
        }
        List<String> regarding = new ArrayList<>();
        for (String line : letter.regarding()) {
            String text = PAREN_REF.matcher(line).replaceAll("");
            if (InternalMarks.find(text).isEmpty()) {
                regarding.add(text);
            }
        }
        return new Letter(letter.title(), letter.date(), letter.addressee(), regarding, letter.salutation(), sections, enclosures,
                letter.missing(), letter.signature(), records.stream().distinct().toList(), checklist.stream().distinct().toList());
    }

    /**
     * A last pass where no knowledge is at hand (every stored document goes through it): sources are shown only when
     * they carry no internal mark, and no id or mark is left in the text. A document that says doubt in its own words
     * (the patient summary's "we could not confirm this yet") keeps those statements.
     */
    static Letter publish(Letter letter) {
        return publish(letter, s -> InternalMarks.find(s).isEmpty() ? Optional.of(s) : Optional.empty(), false);
    }
}
