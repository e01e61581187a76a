package org.overturn.appeals;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.overturn.assessment.Assessment;
import org.overturn.assessment.Assessor;
import org.overturn.cases.CaseReader;
import org.overturn.cases.PaCase;
import org.overturn.cases.RegimeResolver;
import org.overturn.deadlines.DeadlineCalculator;
import org.overturn.deadlines.DeadlineSchedule;
import org.overturn.deadlines.RegimeCandidates;
import org.overturn.deadlines.Step;
import org.overturn.deadlines.Urgency;
import org.overturn.law.Law;
import org.overturn.platform.Canonical;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;

/**
 * A PA case read under the law: what the appeal, external-review and access-letter services all need of a case (the
 * case itself, the regimes that may govern its coverage, their deadlines, the assessment of its drug, the law files
 * cited) behind one collaborator, built once in {@link AppealsConfig}.
 */
final class CaseLaw {
    private final CaseReader cases;
    private final RegimeResolver resolver;
    private final DeadlineCalculator calculator;
    private final Assessor assessor;
    private final Law law;
    private final Clock clock;

    CaseLaw(CaseReader cases, RegimeResolver resolver, DeadlineCalculator calculator, Assessor assessor, Law law, Clock clock) {
        this.cases = cases;
        this.resolver = resolver;
        this.calculator = calculator;
        this.assessor = assessor;
        this.law = law;
        this.clock = clock;
    }

    CaseReader cases() {
        return cases;
    }

    Law law() {
        return law;
    }

    Instant now() {
        return clock.instant();
    }

    /** The regimes that may govern the case's coverage, from its Coverage, subscriber and patient. */
    RegimeCandidates regimes(PaCase c) {
        return resolver.resolve(c.coverage(), c.subscriber(), c.patient());
    }

    DeadlineSchedule deadlines(RegimeCandidates regimes, Instant from, Step step, Urgency urgency) {
        return calculator.compute(regimes, from, step, urgency);
    }

    /** The assessment of the case's drug under its coverage; its drug may be unknown. */
    Assessment assess(PaCase c) {
        return assessor.assess(c.patient().getIdElement().getIdPart(), c.coverage().getIdElement().getIdPart(), c.product(),
                "Claim.insurance.coverage");
    }

    /** The assessment of a case whose letter cannot be written without knowing the drug: a 422 when drugs.yaml lacks it. */
    Assessment assessKnownDrug(PaCase c, String why) {
        Assessment assessment = assess(c);
        if (assessment.drug().isEmpty()) {
            throw new OverturnException(ErrorCode.BUSINESS_RULE, "The drug of " + c.claimRef() + " is not one Overturn knows ("
                    + assessment.reason() + ")" + why, "Claim.item.productOrService");
        }
        return assessment;
    }

    /** The versioned canonicals of the law's files a document cites, for its Provenance. */
    List<String> policies(Collection<String> files) {
        List<String> out = new ArrayList<>();
        for (String file : files) {
            out.add(Canonical.BASE + "/knowledge/" + file + "|" + law.fileVersion(file));
        }
        return out;
    }
}
