package org.overturn.letter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeLoader;
import org.overturn.deadlines.Deadline;
import org.overturn.deadlines.DeadlineCalculator;
import org.overturn.deadlines.DeadlineSchedule;
import org.overturn.deadlines.Regime;
import org.overturn.deadlines.RegimeCandidates;
import org.overturn.deadlines.Step;
import org.overturn.deadlines.Urgency;
import org.overturn.law.AppealRules;
import org.overturn.law.Law;
import org.overturn.law.LawLoader;
import org.overturn.law.RegulatorKind;

/** The external-review packet, built from the shipped knowledge for a synthetic case whose plan's funding is unknown. */
class ExternalReviewPacketComposerTest {
    private static final Knowledge KNOWLEDGE = KnowledgeLoader.load();
    private static final Law LAW = LawLoader.load(KNOWLEDGE);
    private static final Regime DMHC = new Regime(RegulatorKind.CA_DMHC, "CA");
    private static final Regime FEDERAL = new Regime(RegulatorKind.ERISA_SELF_FUNDED, "CA");
    private static final Instant FINAL_DENIAL = Instant.parse("2026-11-20T22:00:00Z");   // Nov 20, 14:00 in Los Angeles

    private final DeadlineCalculator calculator = new DeadlineCalculator(LAW);
    private final ExternalReviewPacketComposer composer = new ExternalReviewPacketComposer(KNOWLEDGE, LAW);

    @Test
    void packetWhenAnHmoDoesNotSayHowItIsFundedThenEveryBodyIsNamedWithTheFactThatMakesItTheOneAndTheEarliestDateIsToBeMet() {
        DeadlineSchedule filing = calculator.compute(RegimeCandidates.of(DMHC, FEDERAL), FINAL_DENIAL,
                Step.EXTERNAL_REVIEW_FILING, Urgency.STANDARD);
        AppealRules.ExternalReviewBody imr = LAW.appeals().body(RegulatorKind.CA_DMHC, "CA").orElseThrow();
        AppealRules.ExternalReviewBody federal = LAW.appeals().body(RegulatorKind.ERISA_SELF_FUNDED, "CA").orElseThrow();
        // Federal: 4 months = Mar 20, 2027; IMR: 6 months = May 20, 2027. The federal date comes first.
        assertThat(filing.actOn().orElseThrow().regime()).isEqualTo(FEDERAL);

        Letter packet = composer.packet(input(filing, federal, List.of(
                new ExternalReviewPacketComposer.Alternative(DMHC.toString(), imr, of(filing, DMHC))),
                "California, from the patient's address"));

        Letter.Section who = section(packet, "Which body reviews the denial");
        assertThat(who.statements()).extracting(Letter.Statement::text)
                .anySatisfy(t -> assertThat(t).contains("depends on whether the plan is self-funded (ERISA) or fully insured"))
                .anySatisfy(t -> assertThat(t).startsWith(imr.body()).contains(imr.appliesWhen().text())
                        .contains("file by May 20, 2027"))
                .anySatisfy(t -> assertThat(t).startsWith(federal.body()).contains(federal.appliesWhen().text())
                        .contains("file by March 20, 2027"))
                .anySatisfy(t -> assertThat(t).contains("file by March 20, 2027, the earliest of these dates"))
                .anySatisfy(t -> assertThat(t).contains("California").contains("the patient's address"))
                .allSatisfy(t -> assertThat(t).doesNotContain("erisa-self-funded").doesNotContain("ca-dmhc")
                        .doesNotContain(".yaml").doesNotContain("UNVERIFIED"));
        assertThat(imr.appliesWhen().text()).contains("Knox-Keene");
        assertThat(federal.appliesWhen().text()).contains("self-funded");
        assertThat(packet.title()).contains(imr.process()).contains(federal.process());
        assertThat(packet.sections()).extracting(Letter.Section::heading).doesNotContain("If another regime governs the plan");
    }

    @Test
    void packetWhenOneBodyServesThePlanThenItSaysWhichFactGaveTheState() {
        Regime ohio = new Regime(RegulatorKind.STATE_INSURANCE_DEPARTMENT, "OH");
        DeadlineSchedule filing = calculator.compute(RegimeCandidates.of(ohio), FINAL_DENIAL, Step.EXTERNAL_REVIEW_FILING,
                Urgency.STANDARD);
        AppealRules.ExternalReviewBody odi = LAW.appeals().body(RegulatorKind.STATE_INSURANCE_DEPARTMENT, "OH").orElseThrow();

        Letter packet = composer.packet(input(filing, odi, List.of(), "Ohio, from the plan's situs recorded on the coverage"));

        Letter.Section who = section(packet, "Which body reviews the denial");
        assertThat(who.statements()).extracting(Letter.Statement::text)
                .anySatisfy(t -> assertThat(t).contains("Ohio").contains("the plan's situs"))
                .anySatisfy(t -> assertThat(t).startsWith(odi.body()));
        assertThat(packet.title()).isEqualTo("External Review Packet: " + odi.process());
    }

    private static ExternalReviewPacketComposer.Input input(DeadlineSchedule filing, AppealRules.ExternalReviewBody body,
            List<ExternalReviewPacketComposer.Alternative> alternatives, String stateBasis) {
        Patient patient = new Patient();
        patient.setId("synthetic-1");
        patient.addName().setFamily("Testperson").addGiven("Ada");
        Deadline primary = filing.actOn().orElseThrow();
        return new ExternalReviewPacketComposer.Input(patient, "M-000", "zanzalintinib", true, "Example Health Plan",
                "ClaimResponse/1", "Task/2", null, List.of("DocumentReference/3"), FINAL_DENIAL.atZone(ZoneId.of("America/Los_Angeles")),
                "completed", null, primary.regime().toString(), body, primary, null, null, false, alternatives,
                filing.decidingFact(), List.of(), null, LocalDate.of(2026, 11, 21), stateBasis);
    }

    private static Deadline of(DeadlineSchedule schedule, Regime regime) {
        return schedule.deadlines().stream().filter(d -> d.regime().equals(regime)).findFirst().orElseThrow();
    }

    private static Letter.Section section(Letter letter, String heading) {
        return letter.sections().stream().filter(s -> s.heading().equals(heading)).findFirst().orElseThrow(
                () -> new AssertionError("no section '" + heading + "' in " + letter.sections().stream().map(Letter.Section::heading).toList()));
    }
}
