package org.overturn.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The internal marks a document for a reader outside the clinic must not carry, and ordinary prose that is not one. */
class InternalMarksTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "Source: seeds/004_7e44664f54a4bddd.txt (documentation checklist)",
        "as the guides say (seeds 001-004)",
        "drugs.yaml alectinib",
        "per jurisdictions.yml",
        "domain reference section 6",
        "1-866-873-8279 (UNVERIFIED)",
        "ORR 60% (unverified).",
        "Guideline support: NCCN lists it (to be confirmed).",
        "Cigna criteria (Policy Vault, secondary)",
        "FDA approval (secondary summaries)",
        "the rule rests on a secondary source",
        "NCCN Guidelines (content not retrieved)",
        "ALK report (Observation/123)",
        "Denied: ClaimResponse/5c1d",
        "Patient 3f2b6c1e-9a1d-4f7e-8b2a-0c1d2e3f4a5b"
    })
    void findWhenTextCarriesAnInternalMarkThenItIsFound(String text) {
        assertThat(InternalMarks.find(text)).as(text).isPresent();
        assertThat(InternalMarks.findAll(text)).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Medi-Cal (California Medicaid): Coverage if you qualify, or secondary coverage beside your plan.",
        "Metastatic ALK-positive non-small cell lung cancer, secondary malignant neoplasm of brain",
        "FISH report, Example Molecular Lab, 2026-05-02, enclosure 2",
        "Peters S, et al. N Engl J Med 2017;377:829-838 (ALEX)",
        "Cigna Healthcare must decide by about December 4, 2026.",
        "CARC 272, Coverage/program guidelines were not met"
    })
    void findWhenOrdinaryProseThenNothingIsFound(String text) {
        assertThat(InternalMarks.find(text)).as(text).isEmpty();
    }
}
