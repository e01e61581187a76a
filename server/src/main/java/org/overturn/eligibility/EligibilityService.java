package org.overturn.eligibility;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CoverageEligibilityRequest;
import org.hl7.fhir.r4.model.CoverageEligibilityResponse;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.overturn.assessment.Assessment;
import org.overturn.assessment.Assessor;
import org.overturn.payers.PayerRoute;
import org.overturn.payers.PayerRoutes;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;
import org.overturn.store.WriteResult;

/**
 * CoverageEligibilityRequest $submit: which payer, which drug, which policy; the chart's facts against the policy's
 * criteria; the answer as a CoverageEligibilityResponse, stored with the request in one transaction. A payer whose
 * route forwards eligibility ({@code overturn.pas.payers[n].eligibility}) answers itself instead.
 */
public final class EligibilityService {
    private final ResourceStore store;
    private final Assessor assessor;
    private final EligibilityResponseFactory responses;
    private final PayerRoutes routes;
    private final PayerEligibility payerEligibility;
    private final Clock clock;

    public EligibilityService(
            ResourceStore store,
            Assessor assessor,
            EligibilityResponseFactory responses,
            PayerRoutes routes,
            PayerEligibility payerEligibility,
            Clock clock) {
        this.store = store;
        this.assessor = assessor;
        this.responses = responses;
        this.routes = routes;
        this.payerEligibility = payerEligibility;
        this.clock = clock;
    }

    /** @param serverBase this server's FHIR base URL, for the resources a routed payer is sent */
    public CoverageEligibilityResponse submit(CoverageEligibilityRequest request, String serverBase) {
        List<String> problems = new ArrayList<>();
        String patientId = Assessor.localId(request.getPatient(), "Patient", "CoverageEligibilityRequest.patient", problems);
        Reference coverageRef = request.getInsuranceFirstRep().getCoverage();
        String coverageId = Assessor.localId(coverageRef, "Coverage", "CoverageEligibilityRequest.insurance[0].coverage", problems);
        if (!request.getItemFirstRep().hasProductOrService()) {
            problems.add("CoverageEligibilityRequest.item[0].productOrService: the requested drug's code is required");
        }
        if (!problems.isEmpty()) {
            throw new OverturnException(ErrorCode.INVALID_RESOURCE, String.join("; ", problems), "CoverageEligibilityRequest");
        }
        Coverage routedCoverage = (Coverage) assessor.readReferenced("Coverage", coverageId, "insurance[0].coverage").content();
        Organization routedPayor = assessor.payor(routedCoverage);
        Optional<PayerRoute> route = routes.eligibilityRoute(routedPayor.getIdentifier().stream()
                .filter(Identifier::hasValue).map(i -> i.getSystem() + "|" + i.getValue()).toList());
        if (route.isPresent()) {
            assessor.readReferenced("Patient", patientId, "patient");
            return forward(route.get(), request, routedPayor, serverBase);
        }
        Assessment assessment = assessor.assess(patientId, coverageId, request.getItemFirstRep().getProductOrService(), "insurance[0].coverage");
        Coverage coverage = assessment.coverage();
        Organization payor = assessment.payorOrganization();

        return store.inTransaction(() -> {
            prepare(request, payor);
            WriteResult stored = store.create(request, null);
            CoverageEligibilityResponse response = responses.build(
                    (CoverageEligibilityRequest) stored.stored().content(), coverage, assessment, Date.from(clock.instant()));
            return (CoverageEligibilityResponse) store.create(response, null).stored().resource();
        });
    }

    /** $submit stores a new request (a client id would name someone else's), active, dated, with its insurer and purpose. */
    private void prepare(CoverageEligibilityRequest request, Organization payor) {
        request.setId((String) null);
        request.setStatus(CoverageEligibilityRequest.EligibilityRequestStatus.ACTIVE);
        if (!request.hasCreated()) {
            request.setCreated(Date.from(clock.instant()));
        }
        if (!request.hasInsurer()) {
            request.setInsurer(new Reference(payor.getIdElement().toUnqualifiedVersionless().getValue()));
        }
        if (!request.hasPurpose()) {
            request.addPurpose(CoverageEligibilityRequest.EligibilityRequestPurpose.AUTHREQUIREMENTS);
        }
    }

    /**
     * The payer answers: the request goes to it first (nothing is stored if it fails: 502, 503 or 504), then the
     * request and the payer's CoverageEligibilityResponse are stored together, the response pointing at the stored
     * request and carrying the request's identifier. A request whose identifier was submitted before gets the stored
     * answer, and the payer is not asked again.
     */
    private CoverageEligibilityResponse forward(PayerRoute route, CoverageEligibilityRequest request, Organization payor,
            String serverBase) {
        prepare(request, payor);
        Optional<Identifier> identifier = request.getIdentifier().stream().filter(Identifier::hasValue).findFirst();
        Optional<String> condition = identifier.map(i -> "identifier=" + (i.hasSystem() ? escape(i.getSystem()) + "|" : "")
                + escape(i.getValue()));
        if (condition.isPresent()) {
            Optional<CoverageEligibilityResponse> earlier = answeredBefore(condition.get());
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        CoverageEligibilityResponse answer = payerEligibility.ask(route, request, serverBase, clock.instant());
        return store.inTransaction(() -> {
            WriteResult stored = store.create(request, condition.orElse(null));
            if (stored.kind() == WriteResult.Kind.MATCHED) {
                Optional<CoverageEligibilityResponse> earlier = answeredBefore(condition.get());
                if (earlier.isPresent()) {
                    return earlier.get();
                }
            }
            CoverageEligibilityRequest ours = (CoverageEligibilityRequest) stored.stored().content();
            answer.setId((String) null);
            answer.setRequest(new Reference(ours.getIdElement().toUnqualifiedVersionless().getValue()));
            answer.setPatient(ours.getPatient().copy());
            answer.setInsurer(ours.getInsurer().copy());
            if (ours.hasProvider()) {
                answer.setRequestor(ours.getProvider().copy());
            }
            if (!answer.hasCreated()) {
                answer.setCreated(Date.from(clock.instant()));
            }
            // The payer names the coverage as it knows it; the stored answer names ours, in the same order.
            for (int i = 0; i < answer.getInsurance().size() && i < ours.getInsurance().size(); i++) {
                answer.getInsurance().get(i).setCoverage(ours.getInsurance().get(i).getCoverage().copy());
            }
            identifier.ifPresent(id -> answer.addIdentifier(id.copy()));
            return (CoverageEligibilityResponse) store.create(answer, null).stored().resource();
        });
    }

    private Optional<CoverageEligibilityResponse> answeredBefore(String condition) {
        var requests = store.search(store.parseQuery("CoverageEligibilityRequest", condition)).items();
        for (StoredResource request : requests) {
            var answers = store.search(store.parseQuery("CoverageEligibilityResponse", "request=CoverageEligibilityRequest/"
                    + request.id())).items();
            if (!answers.isEmpty()) {
                return Optional.of((CoverageEligibilityResponse) answers.get(0).content());
            }
        }
        return Optional.empty();
    }

    /** A token search value part with the search syntax's special characters escaped, URL-encoded for a condition. */
    private static String escape(String s) {
        String escaped = s.replace("\\", "\\\\").replace(",", "\\,").replace("|", "\\|").replace("$", "\\$");
        return URLEncoder.encode(escaped, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Stores an assessment made elsewhere (a CDS hook call) as a CoverageEligibilityRequest and its
     * CoverageEligibilityResponse, so that later steps read it instead of asking again. The request's identifier
     * makes this idempotent: recording the same identifier again answers the response stored the first time.
     */
    public CoverageEligibilityResponse record(CoverageEligibilityRequest request, Assessment assessment) {
        Identifier id = request.getIdentifierFirstRep();
        String condition = "identifier=" + id.getSystem() + "|" + id.getValue();
        return store.inTransaction(() -> {
            if (!request.hasCreated()) {
                request.setCreated(Date.from(clock.instant()));
            }
            WriteResult stored = store.create(request, condition);
            if (stored.kind() == WriteResult.Kind.MATCHED) {
                var earlier = store.search(store.parseQuery("CoverageEligibilityResponse", condition)).items();
                if (!earlier.isEmpty()) {
                    return (CoverageEligibilityResponse) earlier.get(0).resource();
                }
            }
            CoverageEligibilityResponse response = responses.build(
                    (CoverageEligibilityRequest) stored.stored().content(), assessment.coverage(), assessment, Date.from(clock.instant()));
            response.addIdentifier(id.copy());
            return (CoverageEligibilityResponse) store.create(response, null).stored().resource();
        });
    }
}
