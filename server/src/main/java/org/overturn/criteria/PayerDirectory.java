package org.overturn.criteria;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Decides which payer a Coverage's payor Organization is: by its identifiers first, then by its name. Never falls
 * back to another payer's rules.
 */
public final class PayerDirectory {
    private final Knowledge knowledge;

    public PayerDirectory(Knowledge knowledge) {
        this.knowledge = knowledge;
    }

    public Optional<KnowledgeModel.Payer> identify(List<KnowledgeModel.Identifier> identifiers, @Nullable String name) {
        for (KnowledgeModel.Payer payer : knowledge.payers()) {
            for (KnowledgeModel.Identifier known : payer.identifiers()) {
                if (identifiers.stream().anyMatch(i -> known.system().equals(i.system()) && known.value().equals(i.value()))) {
                    return Optional.of(payer);
                }
            }
        }
        if (name != null) {
            String lower = name.toLowerCase(Locale.ROOT);
            for (KnowledgeModel.Payer payer : knowledge.payers()) {
                if (payer.namePatterns().stream().anyMatch(p -> lower.contains(p.toLowerCase(Locale.ROOT)))) {
                    return Optional.of(payer);
                }
            }
        }
        return Optional.empty();
    }
}
