package org.overturn.eligibility;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Extension;
import org.overturn.assessment.Assessment;
import org.overturn.cases.DeadlineExtension;
import org.overturn.cases.RegimeResolver;
import org.overturn.deadlines.DeadlineCalculator;
import org.overturn.deadlines.RegimeCandidates;
import org.overturn.deadlines.Step;
import org.overturn.deadlines.Urgency;

/**
 * The clocks the payer would have to decide a PA request by, were it received at the assessment's creation: standard
 * and expedited, for each regime that may govern the coverage, as workflow-deadline extensions. A regime that cannot
 * be resolved, or rules that state no such clock, give none: nothing is guessed.
 */
final class PaDecisionClocks {
    private final RegimeResolver resolver;
    private final DeadlineCalculator calculator;

    PaDecisionClocks(RegimeResolver resolver, DeadlineCalculator calculator) {
        this.resolver = resolver;
        this.calculator = calculator;
    }

    List<Extension> of(Assessment assessment, Instant received) {
        RegimeCandidates regimes = resolver.resolve(assessment.coverage(), null, assessment.chart().patient());
        List<Extension> out = new ArrayList<>();
        for (Urgency urgency : Urgency.values()) {
            out.addAll(DeadlineExtension.of(calculator.compute(regimes, received, Step.INITIAL_DECISION, urgency), received));
        }
        return out;
    }
}
