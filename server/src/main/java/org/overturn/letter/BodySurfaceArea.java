package org.overturn.letter;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.overturn.criteria.ChartFacts;
import org.overturn.criteria.KnowledgeModel;
import org.jspecify.annotations.Nullable;

/**
 * A child's body surface area from the chart's latest height and weight, by the Mosteller formula
 * (BSA m2 = sqrt(height cm x weight kg / 3600)), and the dose a label's per-m2 dosing gives for it. Heights and weights
 * are read from the FHIR vital-signs codes (LOINC 8302-2 body height, 29463-7 body weight) in the units they are
 * written in (cm, m, in; kg, g, lb); a value without a unit is not guessed.
 */
final class BodySurfaceArea {
    static final String HEIGHT = "8302-2";
    static final String WEIGHT = "29463-7";
    private static final Pattern QUANTITY = Pattern.compile("^\\s*(\\d+(?:\\.\\d+)?)\\s*([a-z\\[\\]_]+)", Pattern.CASE_INSENSITIVE);

    private BodySurfaceArea() {}

    /** The BSA and the measurements it comes from (as written, with their dates), citing both observations. */
    record Measured(BigDecimal squareMetres, String height, String weight, List<String> references) {}

    static Optional<Measured> of(ChartFacts chart) {
        Optional<ChartFacts.ObservationFact> height = latest(chart, HEIGHT);
        Optional<ChartFacts.ObservationFact> weight = latest(chart, WEIGHT);
        if (height.isEmpty() || weight.isEmpty()) {
            return Optional.empty();
        }
        BigDecimal cm = centimetres(height.get().value());
        BigDecimal kg = kilograms(weight.get().value());
        if (cm == null || kg == null || cm.signum() <= 0 || kg.signum() <= 0) {
            return Optional.empty();
        }
        BigDecimal bsa = cm.multiply(kg).divide(BigDecimal.valueOf(3600), MathContext.DECIMAL64).sqrt(MathContext.DECIMAL64)
                .setScale(2, RoundingMode.HALF_UP);
        return Optional.of(new Measured(bsa, described(height.get()), described(weight.get()),
                List.of(height.get().reference(), weight.get().reference())));
    }

    /**
     * The dose for a child of {@code bsa}: the adult dose from {@code bsaAtLeast} up, else per m2 times the BSA
     * (rounded half up), capped at {@code maxDose}.
     */
    static String dose(KnowledgeModel.PediatricDosing p, @Nullable String adult, BigDecimal bsa) {
        if (p.bsaAtLeast() != null && bsa.compareTo(p.bsaAtLeast()) >= 0 && adult != null) {
            return adult + " (BSA " + bsa.toPlainString() + " m2 is at least " + p.bsaAtLeast().toPlainString() + " m2)";
        }
        // Whole units for doses of tens of mg per m2; one decimal more than the label's per-m2 figure for small ones (1.8 mg/m2).
        int scale = Math.max(0, p.perM2().stripTrailingZeros().scale() + 1);
        BigDecimal dose = p.perM2().multiply(bsa).setScale(p.perM2().stripTrailingZeros().scale() > 0 ? scale : 0, RoundingMode.HALF_UP);
        BigDecimal max = p.maxDose();
        boolean capped = false;
        if (max != null && dose.compareTo(max) > 0) {
            dose = max;
            capped = true;
        }
        return dose.toPlainString() + " " + p.unit() + " " + p.frequency() + " (" + p.perM2().toPlainString() + " " + p.unit()
                + "/m2 x BSA " + bsa.toPlainString() + " m2" + (capped ? ", capped at the maximum dose" : "") + ")";
    }

    private static Optional<ChartFacts.ObservationFact> latest(ChartFacts chart, String loinc) {
        return chart.observations().stream()
                .filter(o -> o.isFinal() && o.loinc().equals(loinc))
                .max(Comparator.comparing(ChartFacts.ObservationFact::effective, Comparator.nullsFirst(Comparator.naturalOrder())));
    }

    private static String described(ChartFacts.ObservationFact o) {
        return o.value() + (o.effective() == null ? "" : " on " + o.effective().substring(0, Math.min(10, o.effective().length())));
    }

    static @Nullable BigDecimal centimetres(String value) {
        Matcher m = QUANTITY.matcher(value);
        if (!m.find()) {
            return null;
        }
        BigDecimal n = new BigDecimal(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "cm" -> n;
            case "m" -> n.movePointRight(2);
            case "in", "[in_i]", "[in_us]" -> n.multiply(new BigDecimal("2.54"));
            default -> null;
        };
    }

    static @Nullable BigDecimal kilograms(String value) {
        Matcher m = QUANTITY.matcher(value);
        if (!m.find()) {
            return null;
        }
        BigDecimal n = new BigDecimal(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "kg" -> n;
            case "g" -> n.movePointLeft(3);
            case "lb", "[lb_av]" -> n.multiply(new BigDecimal("0.45359237"));
            default -> null;
        };
    }
}
