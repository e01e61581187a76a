package org.overturn.criteria;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Recognizes drugs in orders and medication histories: by any coding (RxNorm, NDC, HCPCS, a local code) or, since
 * real orders often lack codes and investigational drugs have none, by name in the text.
 */
public final class DrugCatalog {
    /** A coding as found in a chart, with the system's full URI. */
    public record Coded(@Nullable String system, @Nullable String code, @Nullable String display) {}

    private final Knowledge knowledge;
    /** Each drug's names as whole-word patterns, compiled once (every hook call and assessment looks them up). */
    private final Map<KnowledgeModel.Drug, List<Pattern>> names = new LinkedHashMap<>();

    public DrugCatalog(Knowledge knowledge) {
        this.knowledge = knowledge;
        for (KnowledgeModel.Drug drug : knowledge.drugs()) {
            names.put(drug, drug.names().stream()
                    .map(name -> Pattern.compile("(^|[^a-z0-9])" + Pattern.quote(name.toLowerCase(Locale.ROOT)) + "($|[^a-z0-9])"))
                    .toList());
        }
    }

    /** The first drug recognized by code, else by name; empty when none is. */
    public Optional<KnowledgeModel.Drug> recognize(List<Coded> codings, @Nullable String text) {
        for (Coded coded : codings) {
            for (KnowledgeModel.Drug drug : knowledge.drugs()) {
                if (matchesCode(drug, coded)) {
                    return Optional.of(drug);
                }
            }
        }
        Set<KnowledgeModel.Drug> byName = byName(codings, text);
        return byName.stream().findFirst();
    }

    /** Every drug named or coded (a combination regimen names several). */
    public Set<String> recognizeAll(List<Coded> codings, @Nullable String text) {
        Set<String> ids = new LinkedHashSet<>();
        for (Coded coded : codings) {
            knowledge.drugs().stream().filter(d -> matchesCode(d, coded)).forEach(d -> ids.add(d.id()));
        }
        byName(codings, text).forEach(d -> ids.add(d.id()));
        return ids;
    }

    private Set<KnowledgeModel.Drug> byName(List<Coded> codings, @Nullable String text) {
        StringBuilder words = new StringBuilder(text == null ? "" : text);
        codings.forEach(c -> words.append(' ').append(c.display() == null ? "" : c.display()));
        String haystack = words.toString().toLowerCase(Locale.ROOT);
        Set<KnowledgeModel.Drug> found = new LinkedHashSet<>();
        names.forEach((drug, patterns) -> {
            if (patterns.stream().anyMatch(word -> word.matcher(haystack).find())) {
                found.add(drug);
            }
        });
        return found;
    }

    private boolean matchesCode(KnowledgeModel.Drug drug, Coded coded) {
        if (coded.system() == null || coded.code() == null) {
            return false;
        }
        for (KnowledgeModel.Code code : drug.codes()) {
            if (!knowledge.isSystem(code.system(), coded.system())) {
                continue;
            }
            if (code.system().equals("ndc")) {
                // A package NDC ("50242-130-01") matches its labeler-product prefix ("50242-130").
                if (coded.code().equals(code.code()) || coded.code().startsWith(code.code() + "-")) {
                    return true;
                }
            } else if (coded.code().equalsIgnoreCase(code.code())) {
                return true;
            }
        }
        return false;
    }
}
