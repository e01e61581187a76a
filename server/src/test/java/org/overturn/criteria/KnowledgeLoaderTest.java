package org.overturn.criteria;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/** The shipped knowledge files load and are consistent; a broken set is refused with every problem named. */
class KnowledgeLoaderTest {

    @Test
    void loadWhenShippedFilesThenEveryPolicyResolvesAndUnverifiedFactsStayMarked() {
        Knowledge k = KnowledgeLoader.load();
        assertThat(k.policies()).extracting(KnowledgeModel.Policy::drug)
                .contains("alectinib", "larotrectinib", "inotuzumab-ozogamicin", "zanzalintinib");
        KnowledgeModel.Code alectinibRxNorm = k.drug("alectinib").orElseThrow().codes().stream()
                .filter(c -> c.system().equals("rxnorm")).findFirst().orElseThrow();
        assertThat(alectinibRxNorm.code()).isEqualTo("1727455");
        assertThat(alectinibRxNorm.verification()).isEqualTo("UNVERIFIED");
        assertThat(k.drug("zanzalintinib").orElseThrow().approved()).isFalse();
        assertThat(k.drugs()).filteredOn(d -> k.policies().stream().anyMatch(p -> p.drug().equals(d.id())))
                .as("every drug a policy governs has a published page for its cards")
                .allMatch(d -> d.references().stream().anyMatch(KnowledgeModel.PublishedLink::shown));
        assertThat(k.biomarker("CD22-expression").orElseThrow().threshold().minimum()).isEqualByComparingTo("5");
        assertThat(k.fileVersions()).containsKeys("drugs.yaml", "biomarkers.yaml", "payers.yaml", "policies/cigna-alectinib.yaml");
        assertThat(k.fileVersions()).as("the law files are the law's to load").doesNotContainKeys(
                "jurisdictions.yaml", "regimes.yaml", "rebuttals.yaml", "external-review.yaml", "access-letters.yaml");
        // Denials carry the CARC code the knowledge gives for the unmet criterion's kind
        assertThat(k.denialReason(KnowledgeModel.Kind.FDA_APPROVED).carc()).isEqualTo("55");
        assertThat(k.denialReason(KnowledgeModel.Kind.BIOMARKER_POSITIVE).carc()).isEqualTo("272");
        // Payer contacts by use; the numbers only the guides give stay UNVERIFIED, and what no source gives is absent
        KnowledgeModel.Payer cigna = k.payer("cigna").orElseThrow();
        assertThat(cigna.contact(KnowledgeModel.PA_FAX, "GA").orElseThrow().value()).isEqualTo("1-866-873-8279");
        assertThat(cigna.contact(KnowledgeModel.PA_FAX, "GA").orElseThrow().verification()).isEqualTo("UNVERIFIED");
        assertThat(cigna.contact(KnowledgeModel.EXCEPTION_FAX, "CA")).isPresent();
        assertThat(cigna.contact(KnowledgeModel.EXCEPTION_FAX, "OH")).as("the exception fax is California's").isEmpty();
        assertThat(cigna.specialtyPharmacy("pharmacy").orElseThrow().name()).startsWith("Accredo");
        assertThat(cigna.specialtyPharmacy("medical")).as("no source names the pharmacy for infused drugs").isEmpty();
        assertThat(k.fileVersions()).containsEntry("payers.yaml", 2).containsKey("cost-assistance.yaml");
        // Cost assistance: only what the sources name for the drug, state and payer
        assertThat(k.costAssistance("alectinib", "CA", "cigna")).extracting(KnowledgeModel.CostProgram::id)
                .contains("genentech-patient-foundation", "medi-cal", "cigna-cancer-support-program")
                .doesNotContain("pfizer-rxpathways", "leukemia-lymphoma-society");
        assertThat(k.costAssistance("alectinib", "GA", "cigna")).extracting(KnowledgeModel.CostProgram::id)
                .doesNotContain("medi-cal");
        assertThat(k.costAssistance("alectinib", "CA", "aetna")).extracting(KnowledgeModel.CostProgram::id)
                .doesNotContain("cigna-cancer-support-program");
        assertThat(k.costAssistance("inotuzumab-ozogamicin", "CA", "cigna")).extracting(KnowledgeModel.CostProgram::id)
                .contains("pfizer-rxpathways", "cancercare-copay-foundation", "leukemia-lymphoma-society");
        assertThat(k.costAssistance("larotrectinib", "OH", null)).extracting(KnowledgeModel.CostProgram::id)
                .containsExactly("bayer-loxo-access-services", "bayer-trak-assist", "pan-foundation", "leukemia-lymphoma-society",
                        "cancercare-copay-foundation");
        assertThat(k.costAssistance("larotrectinib", "OH", null).get(0).contacts().get(0).value()).isEqualTo("1-833-848-7258");
        assertThat(k.costAssistance("zanzalintinib", "GA", "cigna")).extracting(KnowledgeModel.CostProgram::id)
                .containsExactly("exelixis-expanded-access");
        // Biomarkers: what each test code measures, and the facts no source confirms stay UNVERIFIED
        KnowledgeModel.Biomarker alk = k.biomarker("ALK-rearrangement").orElseThrow();
        assertThat(alk.testCode("100019-9").orElseThrow().measures()).as("a mutation analysis").isEqualTo("sequence-change");
        assertThat(alk.testCode("76042-8").orElseThrow().verification()).isEqualTo("UNVERIFIED");
        assertThat(alk.testCode("78205-2").orElseThrow().verification()).isEqualTo("UNVERIFIED");
        KnowledgeModel.Biomarker cd22 = k.biomarker("CD22-expression").orElseThrow();
        assertThat(cd22.threshold().verification()).isEqualTo("UNVERIFIED");
        assertThat(cd22.threshold().text()).doesNotContain("Aetna");
        assertThat(cd22.source()).doesNotContain("Aetna");
        assertThat(cd22.testCode("14017-8").orElseThrow().note()).contains("not the share of leukemic blasts");
        KnowledgeModel.Biomarker ntrk = k.biomarker("NTRK-fusion").orElseThrow();
        assertThat(ntrk.screening().words()).contains("ihc");
        assertThat(ntrk.resistance().mutation("NTRK1 G595R").orElseThrow().verification()).isEqualTo("UNVERIFIED");
        assertThat(ntrk.resistance().mutation("NTRK3 G696A").orElseThrow().verification()).isEqualTo("secondary");
        assertThat(k.changeType("http://sequenceontology.org", "SO:1000002").orElseThrow().kind()).isEqualTo("sequence-change");
        assertThat(k.changeType("http://www.sequenceontology.org", "SO:0001565").orElseThrow().kind()).isEqualTo("fusion");
        assertThat(k.changeType("http://loinc.org", "LA6690-7").orElseThrow().kind()).isEqualTo("sequence-change");
        // Diagnoses coded only in SNOMED CT: mapped through diagnoses.yaml, each mapping UNVERIFIED until checked
        assertThat(k.diagnosisMapping("254637007").orElseThrow().icd10()).containsExactly("C34");
        assertThat(k.diagnosisMapping("277571004").orElseThrow().icd10()).containsExactly("C91.0");
        assertThat(k.diagnoses()).allMatch(d -> d.verification().equals("UNVERIFIED"));
        assertThat(k.fileVersions()).containsKey("diagnoses.yaml");
        // every criterion cites a source, every policy is versioned
        Set<String> ids = new HashSet<>();
        for (KnowledgeModel.Policy p : k.policies()) {
            assertThat(ids.add(p.id())).isTrue();
            assertThat(p.version()).isPositive();
            p.criteria().forEach(c -> assertThat(c.source()).isNotBlank());
        }
    }

    @Test
    void loadWhenAFileHasAnUnknownFieldThenItIsNamed() {
        assertThatThrownBy(() -> new KnowledgeLoader().loadFrom(new PathMatchingResourcePatternResolver(), "classpath*:knowledge-typo/"))
                .isInstanceOf(KnowledgeException.class)
                .hasMessageContaining("policies/typo.yaml")
                .hasMessageContaining("critera")
                .hasMessageContaining("cost-assistance.yaml programs[0]")
                .hasMessageContaining("ofers")
                .hasMessageContaining("portl");
    }

    @Test
    void loadWhenReferencesAndValuesAreWrongThenEveryProblemIsListedInOneMessage() {
        KnowledgeException e = org.junit.jupiter.api.Assertions.assertThrows(KnowledgeException.class,
                () -> new KnowledgeLoader().loadFrom(new PathMatchingResourcePatternResolver(), "classpath*:knowledge-broken/"));
        assertThat(e.problems()).anyMatch(p -> p.contains("drug id 'alectinib' appears twice"));
        assertThat(e.problems()).anyMatch(p -> p.contains("unknown system 'rxnorm-typo'"));
        assertThat(e.problems()).anyMatch(p -> p.contains("verification must be one of") && p.contains("probably"));
        assertThat(e.problems()).anyMatch(p -> p.contains("benefit must be one of"));
        assertThat(e.problems()).anyMatch(p -> p.contains("unknown payer acme"));
        assertThat(e.problems()).anyMatch(p -> p.contains("unknown drug unobtainium"));
        assertThat(e.problems()).anyMatch(p -> p.contains("effective must be a date"));
        assertThat(e.problems()).anyMatch(p -> p.contains("unknown biomarker XYZ-fusion"));
        assertThat(e.problems()).anyMatch(p -> p.contains("criterion id 'needs-biomarker' appears twice"));
        assertThat(e.problems()).anyMatch(p -> p.contains("needs icd10 prefixes"));
        assertThat(e.problems()).anyMatch(p -> p.contains("'fifty' is not a CARC code"));
        assertThat(e.problems()).anyMatch(p -> p.contains("kind FDA_APPROVED needs exactly one denial reason"));
        // published pages: https only, and a label a clinician reads carries no internal mark
        assertThat(e.problems()).anyMatch(p -> p.equals("drugs.yaml alectinib reference 'Label on a plain-HTTP page': url must be"
                + " an https address, not http://example.org/label"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("drugs.yaml alectinib reference 'Label (drugs.yaml)': label must carry no internal mark"));
        // payer contacts and cost assistance
        assertThat(e.problems()).anyMatch(p -> p.equals("payers.yaml cigna contact PA fax (pharmacy): '1-866-873-827' is not a phone"
                + " or fax number like 1-800-555-0100"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("payers.yaml cigna contact appeals fax: use must be one of") && p.contains("appeal-fax"));
        assertThat(e.problems()).anyMatch(p -> p.equals("payers.yaml cigna contact exception fax: 'California' is not a two-letter state code"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("payers.yaml cigna specialty pharmacy Accredo (Express Scripts): benefits must be"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("cost-assistance.yaml genentech-patient-foundation: a manufacturer program's"
                + " sponsor must be the sponsor of alectinib") && p.endsWith("not Pfizer"));
        assertThat(e.problems()).anyMatch(p -> p.equals("cost-assistance.yaml program id 'genentech-patient-foundation' appears twice"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("cost-assistance.yaml mystery-fund: kind must be one of") && p.endsWith("lottery"));
        assertThat(e.problems()).anyMatch(p -> p.equals("cost-assistance.yaml mystery-fund: names unknown drug unobtainium-2"));
        assertThat(e.problems()).anyMatch(p -> p.equals("cost-assistance.yaml mystery-fund: needs what it offers"));
        assertThat(e.problems()).anyMatch(p -> p.equals("cost-assistance.yaml mystery-fund: needs a source"));
        // public citations: shown to payers, so free of internal marks, one per source
        assertThat(e.problems()).anyMatch(p -> p.startsWith("drugs.yaml alectinib evidence: citation 'A trial, seeds/004")
                && p.contains("must carry no internal mark") && p.contains("seed file"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("drugs.yaml alectinib evidence: source 'seeds/004_7e44664f54a4bddd.txt"
                + " (secondary summaries)' has two citations"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("drugs.yaml alectinib: indication setting must be one of [metastatic,"
                + " adjuvant, unresectable], not palliative-ish"));
        // diagnoses.yaml: concept ids, ICD-10-CM categories and sources are checked
        assertThat(e.problems()).anyMatch(p -> p.equals("diagnoses.yaml 254637007: 'lung' is not an ICD-10-CM category like C34 or C91.0"));
        assertThat(e.problems()).anyMatch(p -> p.equals("diagnoses.yaml NSCLC: 'NSCLC' is not a SNOMED CT concept id"));
        assertThat(e.problems()).anyMatch(p -> p.equals("diagnoses.yaml NSCLC: needs a source"));
        assertThat(e.getMessage()).startsWith("The knowledge files are inconsistent");
    }
}
