package org.overturn.cases;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.overturn.profiles.PasProfiles;
import org.jspecify.annotations.Nullable;

/**
 * Reads what a payer decided from a PAS ClaimResponse: the X12 306 review action of each item (A1 approved, A3
 * denied, A4 pended) and, for each denied item, every reason given. A reason is a process note of the item that names
 * a CARC code (one note per denial reason; the sandbox payer also names the policy criterion there), else each CARC
 * coding of the item's adjudication reasons, else the response's disposition.
 */
public final class DenialReader {
    private static final Pattern NOTE_CARC = Pattern.compile("CARC\\s+([A-Z]?\\d{1,3})");
    private static final Pattern NOTE_PREFIX = Pattern.compile("^\\s*Denied\\s*\\(CARC\\s+[A-Z]?\\d{1,3}\\)\\s*:\\s*");
    private static final Pattern NOTE_CRITERION = Pattern.compile("\\[[^\\]]*criterion\\s+([A-Za-z0-9._-]+)\\]\\s*$");
    private static final Pattern NOTE_BRACKET = Pattern.compile("\\s*\\[[^\\]]*\\]\\s*$");

    private DenialReader() {}

    public enum Outcome {
        APPROVED,
        DENIED,
        PENDED,
        NO_DECISION
    }

    /** The decision on the whole response, the reasons for each denied item, and what a pended item waits for. */
    public record Decision(Outcome outcome, List<DenialPoint> points, List<String> pendedNotes) {
        public Decision {
            points = List.copyOf(points);
            pendedNotes = List.copyOf(pendedNotes);
        }
    }

    public static Decision read(ClaimResponse response) {
        Map<Integer, String> notes = new HashMap<>();
        response.getProcessNote().forEach(n -> notes.put(n.getNumber(), n.getText()));
        List<DenialPoint> points = new ArrayList<>();
        List<String> pended = new ArrayList<>();
        int approved = 0;
        int denied = 0;
        for (ClaimResponse.ItemComponent item : response.getItem()) {
            List<String> itemNotes = item.getNoteNumber().stream().map(IntegerType::getValue)
                    .map(notes::get).filter(t -> t != null && !t.isBlank()).toList();
            String action = reviewAction(item);
            boolean hasReason = item.getAdjudication().stream().anyMatch(ClaimResponse.AdjudicationComponent::hasReason);
            if ("A4".equals(action)) {
                pended.addAll(itemNotes);
                pended.add("item " + item.getItemSequence());
            } else if ("A1".equals(action)) {
                approved++;
            } else if ("A3".equals(action) || (action == null && hasReason)) {
                denied++;
                points.addAll(reasons(item, itemNotes, response.getDisposition()));
            }
        }
        Outcome outcome = !pended.isEmpty() ? Outcome.PENDED
                : denied > 0 ? Outcome.DENIED
                : approved > 0 ? Outcome.APPROVED
                : Outcome.NO_DECISION;
        return new Decision(outcome, points, pended);
    }

    private static List<DenialPoint> reasons(ClaimResponse.ItemComponent item, List<String> notes, @Nullable String disposition) {
        int sequence = item.getItemSequence();
        List<DenialPoint> out = new ArrayList<>();
        Map<String, String> displays = new HashMap<>();
        List<Coding> carcs = new ArrayList<>();
        List<String> reasonTexts = new ArrayList<>();
        for (ClaimResponse.AdjudicationComponent a : item.getAdjudication()) {
            CodeableConcept reason = a.getReason();
            for (Coding c : reason.getCoding()) {
                if (PasProfiles.CARC.equals(c.getSystem()) && c.hasCode()) {
                    carcs.add(c);
                    displays.putIfAbsent(c.getCode(), c.getDisplay());
                }
            }
            if (reason.hasText()) {
                reasonTexts.add(reason.getText());
            }
        }
        for (String note : notes) {
            Matcher carc = NOTE_CARC.matcher(note);
            if (carc.find()) {
                Matcher criterion = NOTE_CRITERION.matcher(note);
                String criterionId = criterion.find() ? criterion.group(1) : null;
                String words = NOTE_BRACKET.matcher(NOTE_PREFIX.matcher(note).replaceFirst("")).replaceFirst("").trim();
                out.add(new DenialPoint(sequence, carc.group(1), displays.get(carc.group(1)), words, criterionId));
            }
        }
        if (!out.isEmpty()) {
            return out;
        }
        String extra = notes.isEmpty() ? "" : " " + String.join(" ", notes);
        for (Coding c : carcs) {
            String words = !reasonTexts.isEmpty() ? reasonTexts.get(0) : c.hasDisplay() ? c.getDisplay() : "CARC " + c.getCode();
            out.add(new DenialPoint(sequence, c.getCode(), c.getDisplay(), (words + extra).trim(), null));
        }
        if (out.isEmpty()) {
            String words = !reasonTexts.isEmpty() ? String.join("; ", reasonTexts)
                    : !notes.isEmpty() ? String.join(" ", notes)
                    : disposition != null && !disposition.isBlank() ? disposition : "The payer gave no reason";
            out.add(new DenialPoint(sequence, null, null, words, null));
        }
        return out;
    }

    /** The item's X12 306 review action code (A1, A3, A4, ...), or null when the response carries none. */
    static @Nullable String reviewAction(ClaimResponse.ItemComponent item) {
        for (ClaimResponse.AdjudicationComponent a : item.getAdjudication()) {
            Extension code = PasProfiles.reviewActionCode(a);
            if (code != null && code.getValue() instanceof CodeableConcept cc) {
                for (Coding c : cc.getCoding()) {
                    if (c.hasCode()) {
                        return c.getCode();
                    }
                }
            }
        }
        return null;
    }
}
