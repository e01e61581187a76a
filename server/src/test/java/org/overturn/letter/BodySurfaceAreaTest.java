package org.overturn.letter;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.overturn.criteria.ChartFacts;
import org.overturn.criteria.ChartFacts.ObservationFact;
import org.overturn.criteria.KnowledgeModel;

class BodySurfaceAreaTest {
    private static final KnowledgeModel.PediatricDosing LAROTRECTINIB = new KnowledgeModel.PediatricDosing(new BigDecimal("100"), "mg",
            "orally twice daily", null, new BigDecimal("1.0"), "label text");

    private static ChartFacts chart(ObservationFact... observations) {
        return new ChartFacts(null, List.of(), List.of(), List.of(), List.of(observations));
    }

    @Test
    void ofWhenHeightAndWeightThenMostellerFromTheLatestOfEach() {
        var old = new ObservationFact("Observation/1", "8302-2", "Body height", "60 cm", true, "2026-01-10");
        var height = new ObservationFact("Observation/2", "8302-2", "Body height", "72 cm", true, "2026-11-02");
        var weight = new ObservationFact("Observation/3", "29463-7", "Body weight", "8.4 kg", true, "2026-11-02");
        var bsa = BodySurfaceArea.of(chart(old, height, weight)).orElseThrow();
        // sqrt(72 x 8.4 / 3600) = 0.4099
        assertThat(bsa.squareMetres()).isEqualByComparingTo("0.41");
        assertThat(bsa.references()).containsExactly("Observation/2", "Observation/3");
        assertThat(bsa.height()).isEqualTo("72 cm on 2026-11-02");
    }

    @Test
    void ofWhenUnitsDifferOrAreMissingThenConvertedOrNotGuessed() {
        var inches = new ObservationFact("Observation/2", "8302-2", "Body height", "48 in", true, "2026-11-02");
        var pounds = new ObservationFact("Observation/3", "29463-7", "Body weight", "50 lb", true, "2026-11-02");
        // 121.92 cm, 22.68 kg: sqrt(2765.2 / 3600) = 0.876
        assertThat(BodySurfaceArea.of(chart(inches, pounds)).orElseThrow().squareMetres()).isEqualByComparingTo("0.88");
        var bare = new ObservationFact("Observation/3", "29463-7", "Body weight", "50", true, "2026-11-02");
        assertThat(BodySurfaceArea.of(chart(inches, bare))).isEmpty();
        assertThat(BodySurfaceArea.of(chart(inches))).isEmpty();
    }

    @Test
    void doseWhenSmallChildThenPerSquareMetreAndWhenAboveTheThresholdThenTheAdultDose() {
        assertThat(BodySurfaceArea.dose(LAROTRECTINIB, "100 mg orally twice daily", new BigDecimal("0.41")))
                .startsWith("41 mg orally twice daily").contains("100 mg/m2 x BSA 0.41 m2");
        assertThat(BodySurfaceArea.dose(LAROTRECTINIB, "100 mg orally twice daily", new BigDecimal("1.12")))
                .startsWith("100 mg orally twice daily").contains("at least 1.0 m2");
        var capped = new KnowledgeModel.PediatricDosing(new BigDecimal("100"), "mg", "orally twice daily", new BigDecimal("80"), null, "t");
        assertThat(BodySurfaceArea.dose(capped, null, new BigDecimal("0.95"))).startsWith("80 mg").contains("capped");
        var besponsa = new KnowledgeModel.PediatricDosing(new BigDecimal("1.8"), "mg", "in cycle 1", null, null, "t");
        assertThat(BodySurfaceArea.dose(besponsa, null, new BigDecimal("0.99"))).startsWith("1.78 mg in cycle 1");
    }
}
