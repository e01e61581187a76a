package org.overturn.assessment;

import java.util.Optional;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.Organization;
import org.overturn.criteria.Evaluation;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.evidence.Chart;

/**
 * The assessment of one case, before anything is stored: the payer and drug recognized, the policy evaluation (empty
 * when there is no policy to evaluate, with the reason), and the chart it was made from. Eligibility answers with it,
 * the sandbox payer decides on it, letters and CDS cards are written from it.
 */
public record Assessment(
        Optional<KnowledgeModel.Payer> payer,
        Optional<KnowledgeModel.Drug> drug,
        Optional<Evaluation> evaluation,
        String reason,
        Organization payorOrganization,
        Chart chart,
        Coverage coverage) {}
