package org.overturn.letter;

import java.util.List;
import java.util.Optional;
import org.overturn.criteria.KnowledgeModel;
import org.jspecify.annotations.Nullable;

/** Who dispenses the drug once approved, as the payer knowledge names it, for letters and checklists. */
public final class Dispensing {
    private Dispensing() {}

    /** The payer's specialty pharmacy for the drug's benefit (pharmacy, medical), when the sources name one. */
    public static Optional<KnowledgeModel.SpecialtyPharmacy> pharmacy(KnowledgeModel.@Nullable Payer payer, KnowledgeModel.Drug drug) {
        return payer == null ? Optional.empty() : payer.specialtyPharmacy(drug.benefit());
    }

    /** "Once approved, Alecensa (alectinib) is dispensed by Accredo (Express Scripts), ..." with its source. */
    public static Optional<Letter.Statement> statement(KnowledgeModel.@Nullable Payer payer, KnowledgeModel.Drug drug) {
        if (payer == null) {
            return Optional.empty();
        }
        return pharmacy(payer, drug).map(p -> new Letter.Statement("Dispensing: once approved, " + drug.displayName()
                + " is dispensed by " + p.name() + ", the specialty pharmacy " + payer.name() + " uses for " + drug.benefit()
                + "-benefit drugs" + line(p) + mark(p.verification()) + "; please send the approval to it.", List.of(p.source())));
    }

    /** " (provider line 877-826-7657, UNVERIFIED)", or "" when the sources give no number. */
    static String line(KnowledgeModel.SpecialtyPharmacy p) {
        return p.contacts().stream().filter(c -> c.use().equals("provider-line")).findFirst()
                .map(c -> " (provider line " + c.value() + (KnowledgeModel.UNVERIFIED.equals(c.verification()) ? ", UNVERIFIED" : "") + ")")
                .orElse("");
    }

    static String mark(@Nullable String verification) {
        return KnowledgeModel.UNVERIFIED.equals(verification) ? " (UNVERIFIED)" : "";
    }
}
