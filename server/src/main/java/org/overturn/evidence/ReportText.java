package org.overturn.evidence;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.jspecify.annotations.Nullable;

/**
 * The words of a DiagnosticReport a result may live in: its conclusion, its conclusionCode texts and each
 * presentedForm that is text/plain (attachment data, base64 in the resource). Split into clauses so that "EGFR
 * L858R detected; ALK negative" reads each gene by its own clause. What cannot be read (a PDF, a URL only, bad bytes)
 * is named in {@link #problem()}.
 */
record ReportText(List<String> clauses, @Nullable String problem) {
    /** A clause ends at ";", a line break, or a full stop before a space (never inside p.G595R or 2.5). */
    private static final Pattern CLAUSE_END = Pattern.compile("\\s*(?:[;\\n\\r]|\\.(?=\\s|$))\\s*");
    private static final Pattern CHARSET = Pattern.compile("(?i)charset\\s*=\\s*\"?([^\";\\s]+)");

    ReportText {
        clauses = List.copyOf(clauses);
    }

    static ReportText of(DiagnosticReport r) {
        List<String> texts = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (r.hasConclusion()) {
            texts.add(r.getConclusion());
        }
        for (CodeableConcept c : r.getConclusionCode()) {
            String t = FactExtractor.text(c);
            if (!t.isBlank()) {
                texts.add(t);
            }
        }
        for (Attachment a : r.getPresentedForm()) {
            String type = a.hasContentType() ? a.getContentType().toLowerCase(Locale.ROOT) : "";
            if (!type.startsWith("text/plain")) {
                problems.add("its attached report is " + (type.isBlank() ? "of no stated type" : type)
                        + ", which Overturn cannot read");
                continue;
            }
            if (!a.hasData()) {
                problems.add("its attached text is not in the resource" + (a.hasUrl() ? " (only at " + a.getUrl() + ")" : ""));
                continue;
            }
            try {
                texts.add(new String(a.getData(), charset(type)));
            } catch (RuntimeException e) {
                problems.add("its attached text could not be decoded");
            }
        }
        List<String> clauses = new ArrayList<>();
        for (String t : texts) {
            Arrays.stream(CLAUSE_END.split(t)).map(String::trim).filter(c -> !c.isEmpty()).forEach(clauses::add);
        }
        return new ReportText(clauses, problems.isEmpty() ? null : String.join("; ", problems));
    }

    private static Charset charset(String contentType) {
        Matcher m = CHARSET.matcher(contentType);
        if (m.find()) {
            try {
                return Charset.forName(m.group(1));
            } catch (RuntimeException e) {
                return StandardCharsets.UTF_8;
            }
        }
        return StandardCharsets.UTF_8;
    }
}
