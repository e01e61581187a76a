package org.overturn.criteria;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.overturn.criteria.ChartFacts.Polarity;

/**
 * Results as labs and EHRs write them, read with the shipped vocabulary (biomarkers.yaml, results). A negation is
 * negative wherever it stands; what is uncertain, or says both, or says nothing known, is unknown, never positive.
 */
class ResultReadingTest {
    private static ResultReading reading;

    @BeforeAll
    static void load() {
        reading = new ResultReading(KnowledgeLoader.load().results());
    }

    @ParameterizedTest(name = "\"{0}\" reads {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Positive                                                        | POSITIVE
            ALK rearrangement detected by FISH in 34% of nuclei              | POSITIVE
            ALK gene rearrangement: POSITIVE                                 | POSITIVE
            EML4-ALK fusion identified                                       | POSITIVE
            EML4-ALK variant 1 (E13;A20) detected                            | POSITIVE
            EML4-ALK fusion                                                  | POSITIVE
            ALK (D5F3) IHC: positive, strong diffuse staining                | POSITIVE
            ETV6-NTRK3 fusion detected                                       | POSITIVE
            NTRK1 fusion present (TPM3-NTRK1)                                | POSITIVE
            TPM3-NTRK1                                                       | POSITIVE
            CD22 positive in 85% of blasts                                   | POSITIVE
            CD22 expressed on 92% of leukemic blasts                         | POSITIVE
            Rearranged                                                       | POSITIVE
            Detected                                                         | POSITIVE
            Negative                                                         | NEGATIVE
            No ALK rearrangement detected                                    | NEGATIVE
            no alk gene rearrangement was detected                           | NEGATIVE
            Negative for ALK gene rearrangement                              | NEGATIVE
            ALK: not detected                                                | NEGATIVE
            ALK rearrangement not identified                                 | NEGATIVE
            No evidence of ALK rearrangement                                 | NEGATIVE
            No fusion identified                                             | NEGATIVE
            NTRK gene fusions: none detected                                 | NEGATIVE
            NTRK1/2/3 fusion: Not Detected                                   | NEGATIVE
            Absent                                                           | NEGATIVE
            NEGATIVE FOR NTRK FUSION                                         | NEGATIVE
            CD22: negative                                                   | NEGATIVE
            CD22 not expressed on blasts                                     | NEGATIVE
            ALK FISH: 8% of nuclei, below the 15% cutoff                     | NEGATIVE
            Without evidence of ALK rearrangement                            | NEGATIVE
            Not rearranged                                                   | NEGATIVE
            No NTRK1, NTRK2 or NTRK3 fusion detected                         | NEGATIVE
            No ALK, ROS1 or RET fusions were identified                      | NEGATIVE
            No ALK, ROS1, RET, or NTRK1 rearrangements were detected         | NEGATIVE
            no NTRK1 and NTRK3 fusion found                                  | NEGATIVE
            Negative for ALK, ROS1 and RET rearrangements                    | NEGATIVE
            ALK/ROS1: not detected                                           | NEGATIVE
            No ALK rearrangement                                             | NEGATIVE
            No EML4-ALK fusion                                               | NEGATIVE
            No ALK rearrangement; EML4-ALK fusion detected on repeat         | INDETERMINATE
            Equivocal                                                        | INDETERMINATE
            ALK IHC equivocal; FISH recommended                              | INDETERMINATE
            Indeterminate                                                    | INDETERMINATE
            Inconclusive: insufficient tissue                                | INDETERMINATE
            QNS - quantity not sufficient for analysis                       | INDETERMINATE
            Insufficient tumor content                                       | INDETERMINATE
            Result pending                                                   | INDETERMINATE
            Pending                                                          | INDETERMINATE
            See comment                                                      | INDETERMINATE
            See full report                                                  | INDETERMINATE
            Test not performed                                               | INDETERMINATE
            Cancelled                                                        | INDETERMINATE
            Failed sequencing                                                | INDETERMINATE
            ALK rearrangement cannot be excluded                             | INDETERMINATE
            Possible ALK rearrangement; confirm by FISH                      | INDETERMINATE
            ALK negative; ROS1 positive                                      | INDETERMINATE
            NTRK1 G595R                                                      | INDETERMINATE
            Reviewed                                                         | INDETERMINATE
            ''                                                               | INDETERMINATE
            """)
    void readsThePhrasing(String text, Polarity expected) {
        assertThat(reading.read(text == null ? "" : text)).isEqualTo(expected);
    }
}
