package org.overturn.fax;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.overturn.cases.CaseReader;
import org.overturn.cases.PaCase;
import org.overturn.criteria.DrugCatalog;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.criteria.PayerDirectory;
import org.overturn.law.Law;
import org.overturn.law.RegimeRules;
import org.overturn.letter.CaseDocuments;
import org.overturn.letter.Dispensing;
import org.overturn.letter.LetterDocuments;
import org.overturn.letter.MarkdownRenderer;
import org.overturn.letter.PersonNames;
import org.overturn.platform.Canonical;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;
import org.jspecify.annotations.Nullable;

/**
 * {@code Claim/$fax-packet}: for a payer without an API, one PDF to fax: a cover sheet (to the payer's fax line for the
 * letter's kind from payers.yaml, or "unknown" and where to find it; from the prescriber; patient, member ID, date,
 * page count, confidentiality notice), the letter already written for the Claim, the pre-filled PA questionnaire
 * response, and the letter's enclosures in order with the chart records they name. Stored as a DocumentReference
 * (the PDF, and the sender's checklist as Markdown, which is not faxed) with a Provenance.
 */
public final class FaxPacketService {
    /** Letters addressed to the payer; the others (to a sponsor, to a review body) are not faxed to it. */
    static final List<CaseDocuments.Kind> PAYER_LETTERS = List.of(CaseDocuments.Kind.MEDICAL_NECESSITY_LETTER,
            CaseDocuments.Kind.APPEAL_LETTER, CaseDocuments.Kind.STEP_THERAPY_EXCEPTION_REQUEST,
            CaseDocuments.Kind.CLINICAL_TRIAL_ROUTINE_COSTS_REQUEST);
    private static final Pattern RECORD = Pattern.compile(
            "\\(((Observation|Condition|MedicationStatement|MedicationRequest|DiagnosticReport|Procedure|DocumentReference|ClaimResponse)"
                    + "/[A-Za-z0-9\\-.]{1,64})\\)\\s*$");
    private static final DateTimeFormatter LONG_DATE = DateTimeFormatter.ofPattern("MMMM d, yyyy", Locale.US);

    private final ResourceStore store;
    private final CaseReader cases;
    private final PayerDirectory payers;
    private final DrugCatalog drugs;
    private final Knowledge knowledge;
    private final Law law;
    private final Clock clock;

    public FaxPacketService(ResourceStore store, CaseReader cases, PayerDirectory payers, DrugCatalog drugs, Knowledge knowledge, Law law,
            Clock clock) {
        this.store = store;
        this.cases = cases;
        this.payers = payers;
        this.drugs = drugs;
        this.knowledge = knowledge;
        this.law = law;
        this.clock = clock;
    }

    /** Where the packet goes: the department, the fax number if the sources give one, and what to do if not. */
    record Destination(String department, KnowledgeModel.@Nullable PayerContact fax, String unknownHint) {}

    /**
     * Builds and stores the packet for Claim {@code claimId}.
     *
     * @param letterRef the letter to send ("DocumentReference/1"); null = the Claim's latest letter to the payer
     */
    public DocumentReference build(String claimId, @Nullable String letterRef) {
        Claim claim = (Claim) store.read("Claim", claimId).content();
        PaCase c = cases.readClaim(claim);
        DocumentReference letter = letterRef == null ? latestLetter(c.claimRef()) : namedLetter(letterRef, c.claimRef());
        String letterName = "DocumentReference/" + letter.getIdElement().getIdPart();
        CaseDocuments.Kind kind = kind(letter).orElseThrow();
        byte[] letterPdf = attachment(letter, "application/pdf").map(Attachment::getData).orElseThrow(() -> new OverturnException(
                ErrorCode.BUSINESS_RULE, letterName + " has no PDF to fax; render it with " + letterName + "/$render-pdf",
                "DocumentReference.content"));
        String markdown = attachment(letter, "text/markdown").map(a -> new String(a.getData(), StandardCharsets.UTF_8)).orElse("");
        QuestionnaireResponse questionnaire = questionnaire(letter, c.claimRef());

        Organization payorOrg = cases.find(c.coverage().getPayorFirstRep(), Organization.class).orElse(null);
        String payorName = payorOrg != null && payorOrg.hasName() ? payorOrg.getName()
                : c.coverage().getPayorFirstRep().hasDisplay() ? c.coverage().getPayorFirstRep().getDisplay() : "the payer";
        KnowledgeModel.Payer payer = payorOrg == null ? null : payers.identify(payorOrg.getIdentifier().stream()
                .map(i -> new KnowledgeModel.Identifier(i.getSystem(), i.getValue())).toList(), payorOrg.getName()).orElse(null);
        String state = state(c.patient());
        Destination to = destination(kind, payer, payorName, state);

        List<FaxPacketRenderer.Enclosure> enclosures = new ArrayList<>();
        Set<String> enclosed = new LinkedHashSet<>();
        // The letter names its enclosures as a reader knows them; context.related says which chart record each one is.
        java.util.Map<String, String> records = new java.util.HashMap<>();
        letter.getContext().getRelated().stream().filter(r -> r.hasDisplay() && r.hasReference())
                .forEach(r -> records.putIfAbsent(r.getDisplay(), r.getReference()));
        for (String item : MarkdownRenderer.enclosures(markdown)) {
            Matcher m = RECORD.matcher(item);
            String named = records.containsKey(item) ? records.get(item) : m.find() ? m.group(1) : null;
            Resource record = null;
            if (named != null) {
                String[] ref = named.split("/");
                record = cases.find(new Reference(named), Resource.class).filter(r -> r.fhirType().equals(ref[0])).orElse(null);
            }
            if (record != null) {
                enclosed.add(named);
            }
            enclosures.add(new FaxPacketRenderer.Enclosure(item, record == null ? null : EnclosureSummary.of(record)));
        }

        Instant now = clock.instant();
        ZoneId zone = zone(state);
        String drug = c.product().hasText() ? c.product().getText() : "the requested drug";
        FaxPacketRenderer.Cover cover = new FaxPacketRenderer.Cover(
                LocalDate.ofInstant(now, zone).format(LONG_DATE),
                payer != null ? payer.name() : payorName,
                to.department(),
                to.fax() == null ? "Unknown: " + to.unknownHint() : to.fax().value(),
                payer == null ? null : payer.contact(KnowledgeModel.PA_PHONE, state).map(KnowledgeModel.PayerContact::value).orElse(null),
                from(c),
                PersonNames.withSuffixes(c.patient().getNameFirstRep()),
                c.patient().hasBirthDate() ? c.patient().getBirthDateElement().getValueAsString() : null,
                memberId(c),
                letter.hasDescription() ? letter.getDescription() : kind.display(),
                "Please find enclosed the " + kind.display().toLowerCase(Locale.ROOT) + " for " + drug + ", with the records it"
                        + " cites. Please call the sender with any question about this request.");
        FaxPacketRenderer.Rendered rendered = FaxPacketRenderer.render(cover, kind.display(), letterPdf,
                questionnaire, enclosures);

        Date date = Date.from(now);
        DocumentReference doc = new DocumentReference();
        doc.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
        doc.setDocStatus(DocumentReference.ReferredDocumentStatus.PRELIMINARY); // final once signed and sent
        doc.setType(CaseDocuments.Kind.FAX_PACKET.type());
        doc.addCategory(CaseDocuments.category());
        doc.setSubject(new Reference(c.patientRef()));
        doc.setDate(date);
        doc.setDescription("Fax packet for " + cover.toName() + ": " + cover.regarding() + " (" + rendered.pages() + " pages)");
        if (c.prescriberRef() != null) {
            doc.addAuthor(new Reference(c.prescriberRef()));
        }
        doc.addContent().getAttachment().setContentType("application/pdf").setTitle("Fax packet (PDF, " + rendered.pages() + " pages)")
                .setData(rendered.pdf()).setCreation(date);
        doc.addContent().getAttachment().setContentType("text/markdown").setTitle("Sender's checklist (not faxed)")
                .setData(checklist(cover, to, rendered, enclosures, payer, drugs.recognize(c.product().getCoding().stream()
                        .map(x -> new DrugCatalog.Coded(x.getSystem(), x.getCode(), x.getDisplay())).toList(), c.product().getText())
                        .orElse(null), kind).getBytes(StandardCharsets.UTF_8)).setCreation(date);
        doc.getContext().addRelated(new Reference(c.claimRef()));
        doc.getContext().addRelated(new Reference(letterName));
        if (questionnaire != null) {
            doc.getContext().addRelated(new Reference("QuestionnaireResponse/" + questionnaire.getIdElement().getIdPart()));
        }
        return store.inTransaction(() -> {
            StoredResource stored = store.create(doc, null).stored();
            Set<String> sources = new LinkedHashSet<>(List.of(c.claimRef(), c.patientRef(),
                    "Coverage/" + c.coverage().getIdElement().getIdPart(), letterName));
            if (questionnaire != null) {
                sources.add("QuestionnaireResponse/" + questionnaire.getIdElement().getIdPart());
            }
            if (c.prescriberRef() != null) {
                sources.add(c.prescriberRef());
            }
            sources.addAll(enclosed);
            store.create(LetterDocuments.provenance(List.of(stored.versionedReference()), sources,
                    List.of(Canonical.BASE + "/knowledge/payers.yaml|" + knowledge.fileVersions().getOrDefault("payers.yaml", 0)), date), null);
            return (DocumentReference) stored.resource();
        });
    }

    /** The Claim's most recent letter to the payer; a 422 saying how to write one when there is none. */
    private DocumentReference latestLetter(String claimRef) {
        var found = store.search(store.parse("DocumentReference", Map.of(
                "related", List.of(claimRef),
                "type", List.of(String.join(",", PAYER_LETTERS.stream().map(CaseDocuments.Kind::token).toList())),
                "_sort", List.of("-_lastUpdated"),
                "_count", List.of("1")), false)).items();
        if (found.isEmpty()) {
            throw new OverturnException(ErrorCode.BUSINESS_RULE, claimRef + " has no letter to the payer yet; write one first with"
                    + " POST " + claimRef + "/$generate-letter (kind medical-necessity, appeal, step-therapy-exception or"
                    + " clinical-trial-routine-costs)", "Claim");
        }
        return (DocumentReference) found.get(0).content();
    }

    /** The letter the request names: a DocumentReference on this server, about this Claim, addressed to the payer. */
    private DocumentReference namedLetter(String ref, String claimRef) {
        String[] parts = ref.split("/");
        if (parts.length != 2 || !parts[0].equals("DocumentReference") || parts[1].isBlank()) {
            throw new OverturnException(ErrorCode.INVALID_REQUEST, "Parameter 'letter' must reference a DocumentReference"
                    + " (DocumentReference/<id>), not '" + ref + "'", "Parameters.parameter[letter]");
        }
        DocumentReference letter = cases.find(new Reference(ref), DocumentReference.class).orElseThrow(() -> new OverturnException(
                ErrorCode.INVALID_REQUEST, "Parameter 'letter': " + ref + " is not on this server", "Parameters.parameter[letter]"));
        boolean about = letter.getContext().getRelated().stream().anyMatch(r -> claimRef.equals(r.getReference()));
        if (!about) {
            throw new OverturnException(ErrorCode.INVALID_REQUEST, "Parameter 'letter': " + ref + " is not a letter of " + claimRef
                    + " (its context.related does not name the Claim)", "Parameters.parameter[letter]");
        }
        if (kind(letter).isEmpty()) {
            throw new OverturnException(ErrorCode.INVALID_REQUEST, "Parameter 'letter': " + ref + " is not a letter to the payer;"
                    + " one of " + PAYER_LETTERS.stream().map(CaseDocuments.Kind::code).toList() + " can be faxed",
                    "Parameters.parameter[letter]");
        }
        return letter;
    }

    private static Optional<CaseDocuments.Kind> kind(DocumentReference doc) {
        return PAYER_LETTERS.stream().filter(k -> doc.getType().hasCoding(CaseDocuments.SYSTEM, k.code())).findFirst();
    }

    private static Optional<Attachment> attachment(DocumentReference doc, String contentType) {
        return doc.getContent().stream().map(DocumentReference.DocumentReferenceContentComponent::getAttachment)
                .filter(a -> contentType.equals(a.getContentType()) && a.hasData()).findFirst();
    }

    /** The PA questionnaire response the letter names, else the one of the Claim's latest medical-necessity letter. */
    private @Nullable QuestionnaireResponse questionnaire(DocumentReference letter, String claimRef) {
        for (DocumentReference doc : List.of(letter)) {
            for (Reference r : doc.getContext().getRelated()) {
                Optional<QuestionnaireResponse> qr = cases.find(r, QuestionnaireResponse.class);
                if (qr.isPresent()) {
                    return qr.get();
                }
            }
        }
        var found = store.search(store.parse("DocumentReference", Map.of(
                "related", List.of(claimRef),
                "type", List.of(CaseDocuments.Kind.MEDICAL_NECESSITY_LETTER.token()),
                "_sort", List.of("-_lastUpdated"),
                "_count", List.of("1")), false)).items();
        if (found.isEmpty() || found.get(0).content().getIdElement().getIdPart().equals(letter.getIdElement().getIdPart())) {
            return null;
        }
        DocumentReference mn = (DocumentReference) found.get(0).content();
        return mn.getContext().getRelated().stream().map(r -> cases.find(r, QuestionnaireResponse.class))
                .flatMap(Optional::stream).findFirst().orElse(null);
    }

    /**
     * The fax line for the letter: PA requests to the PA fax, step-therapy exceptions to the exception fax of the
     * patient's state (else the PA fax). No source gives an appeals fax: the denial letter says where appeals go.
     */
    Destination destination(CaseDocuments.Kind kind, KnowledgeModel.@Nullable Payer payer, String payorName, @Nullable String state) {
        String portal = payer == null || payer.submissionRoutes().isEmpty() ? null : payer.submissionRoutes().get(0);
        String phone = payer == null ? null : payer.contact(KnowledgeModel.PA_PHONE, state).map(KnowledgeModel.PayerContact::value).orElse(null);
        String ask = (portal == null ? "" : ", on its provider portal (" + portal + ")")
                + (phone == null ? ", or from the provider number on the back of the member's ID card" : ", or by calling " + phone);
        if (payer == null) {
            return new Destination("Prior Authorization", null, payorName + " is not a payer Overturn has on file; take the fax number"
                    + " from its prior authorization form for this drug, its provider portal, or the provider number on the back of"
                    + " the member's ID card");
        }
        if (kind == CaseDocuments.Kind.APPEAL_LETTER) {
            return new Destination("Appeals", null, "no appeals fax for " + payer.name() + " is in the sources on file; send the appeal"
                    + " where the denial letter says appeals go" + ask);
        }
        if (kind == CaseDocuments.Kind.STEP_THERAPY_EXCEPTION_REQUEST) {
            Optional<KnowledgeModel.PayerContact> exception = payer.contact(KnowledgeModel.EXCEPTION_FAX, state);
            if (exception.isPresent()) {
                return new Destination("Formulary Exceptions and Step-Therapy Overrides", exception.get(), "");
            }
        }
        return new Destination("Prior Authorization", payer.contact(KnowledgeModel.PA_FAX, state).orElse(null),
                "no prior authorization fax for " + payer.name() + " is in the sources on file; take it from its prior"
                        + " authorization form for this drug" + ask);
    }

    /** The prescriber, NPI, practice and callback number, from the records that carry them; never made up. */
    private List<String> from(PaCase c) {
        List<String> lines = new ArrayList<>();
        Practitioner p = c.prescriber();
        if (p != null) {
            lines.add(PersonNames.withSuffixes(p.getNameFirstRep()) + p.getIdentifier().stream().filter(i -> "http://hl7.org/fhir/sid/us-npi".equals(i.getSystem()))
                    .findFirst().map(i -> ", NPI " + i.getValue()).orElse(""));
        } else {
            lines.add("The requesting provider (" + (c.prescriberRef() == null ? "Claim.provider not set" : c.prescriberRef()) + ")");
        }
        List<ContactPoint> telecom = new ArrayList<>();
        String practice = null;
        PractitionerRole role = cases.find(c.claim().getProvider(), PractitionerRole.class).orElse(null);
        if (role != null) {
            telecom.addAll(role.getTelecom());
            Organization org = cases.find(role.getOrganization(), Organization.class).orElse(null);
            if (org != null) {
                practice = org.getName();
                telecom.addAll(org.getTelecom());
            }
        }
        if (p != null) {
            telecom.addAll(p.getTelecom());
        }
        if (practice == null) {
            Organization managing = cases.find(c.patient().getManagingOrganization(), Organization.class).orElse(null);
            if (managing != null) {
                practice = managing.getName() + " (the patient's care organization)";
                telecom.addAll(managing.getTelecom());
            }
        }
        if (practice != null) {
            lines.add(practice);
        }
        String phone = first(telecom, ContactPoint.ContactPointSystem.PHONE);
        String fax = first(telecom, ContactPoint.ContactPointSystem.FAX);
        lines.add("Callback phone: " + (phone == null ? "not on file: write the practice's number here before sending" : phone));
        lines.add("Return fax: " + (fax == null ? "not on file: write the practice's fax here before sending" : fax));
        return lines;
    }

    private static @Nullable String first(List<ContactPoint> telecom, ContactPoint.ContactPointSystem system) {
        return telecom.stream().filter(t -> t.getSystem() == system && t.hasValue()).map(ContactPoint::getValue).findFirst().orElse(null);
    }

    private static String memberId(PaCase c) {
        if (c.coverage().hasSubscriberId()) {
            return c.coverage().getSubscriberId();
        }
        return c.coverage().getIdentifier().stream().filter(i -> i.hasValue()).map(i -> i.getValue()).findFirst()
                .orElse("not on file (Coverage.subscriberId)");
    }

    private static @Nullable String state(Patient patient) {
        return patient.getAddress().stream().filter(Address::hasState).map(a -> a.getState().trim().toUpperCase(Locale.ROOT))
                .findFirst().orElse(null);
    }

    private ZoneId zone(@Nullable String state) {
        return law.regimes().states().stream().filter(s -> s.state().equals(state)).map(RegimeRules.StateInfo::zone)
                .findFirst().map(ZoneId::of).orElse(ZoneId.of(law.regimes().defaultZone().zone()));
    }

    /** What the sender checks before faxing and does after; kept beside the PDF, never faxed. */
    private static String checklist(FaxPacketRenderer.Cover cover, Destination to, FaxPacketRenderer.Rendered rendered,
            List<FaxPacketRenderer.Enclosure> enclosures, KnowledgeModel.@Nullable Payer payer, KnowledgeModel.@Nullable Drug drug,
            CaseDocuments.Kind kind) {
        StringBuilder md = new StringBuilder("# Sender's checklist: fax packet for ").append(cover.toName()).append("\n\n");
        md.append("- [ ] Fax to: ").append(cover.toFax()).append("\n");
        if (to.fax() != null && KnowledgeModel.UNVERIFIED.equals(to.fax().verification())) {
            md.append("- [ ] Check ").append(to.fax().value()).append(" against the payer's current form: it comes from a patient guide and is UNVERIFIED\n");
        }
        md.append("- [ ] Sign the letter (its status is preliminary)\n");
        if (cover.from().stream().anyMatch(l -> l.contains("not on file"))) {
            md.append("- [ ] Write the practice's callback phone and return fax on the cover sheet\n");
        }
        for (FaxPacketRenderer.Enclosure e : enclosures) {
            if (e.record() == null) {
                md.append("- [ ] ").append(e.label().startsWith("REQUIRED") ? "" : "Add: ").append(e.label()).append("\n");
            }
        }
        md.append("- [ ] Send all ").append(rendered.pages()).append(" pages; keep the fax confirmation with the case\n");
        if (kind != CaseDocuments.Kind.APPEAL_LETTER && payer != null) {
            payer.contact(KnowledgeModel.PA_PHONE, null).ifPresent(p -> md.append("- [ ] Follow up on the decision at ").append(p.value())
                    .append(KnowledgeModel.UNVERIFIED.equals(p.verification()) ? " (UNVERIFIED)" : "").append("\n"));
        }
        pharmacyLine(payer, drug).ifPresent(line -> md.append("- [ ] ").append(line).append("\n"));
        return md.toString();
    }

    /** The specialty pharmacy line of the checklist, when the payer knowledge names one for the drug's benefit. */
    static Optional<String> pharmacyLine(KnowledgeModel.@Nullable Payer payer, KnowledgeModel.@Nullable Drug drug) {
        if (drug == null) {
            return Optional.empty();
        }
        return Dispensing.pharmacy(payer, drug).map(p -> "After approval: " + drug.displayName() + " is dispensed by " + p.name()
                + (KnowledgeModel.UNVERIFIED.equals(p.verification()) ? " (UNVERIFIED)" : "") + "; send the approval to it"
                + p.contacts().stream().filter(x -> x.use().equals("provider-line")).findFirst().map(x -> " (provider line " + x.value() + ")")
                        .orElse(""));
    }
}
