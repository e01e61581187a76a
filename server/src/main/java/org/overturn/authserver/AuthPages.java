package org.overturn.authserver;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.CoverageEligibilityRequest;
import org.hl7.fhir.r4.model.CoverageEligibilityResponse;
import org.hl7.fhir.r4.model.Patient;
import org.jspecify.annotations.Nullable;
import org.overturn.platform.SystemWork;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The pages of the development authorization server: sign-in (pick a development user), the patient picker of a
 * standalone launch, and a development EHR that lists the patients and launches a registered app on one, as the
 * chart or a CDS card's SMART link would (with the card's {@code appContext}). Plain HTML, no scripts. Only with the
 * development authorization server.
 */
@RestController
@ConditionalOnProperty(name = "overturn.auth-server.enabled", havingValue = "true")
class AuthPages {
    static final String LOGIN = "/auth/login";
    static final String PATIENTS = "/auth/patients";
    static final String PICK = "/auth/patients/pick";
    static final String EHR = "/auth/ehr";
    static final String EHR_LAUNCH = "/auth/ehr-launch";
    /** The SMART app's launch page, served by this server. */
    static final String APP_LAUNCH = "/app/launch.html";
    private static final int CARDS_PER_PATIENT = 5;

    private final ResourceStore store;
    private final LaunchContexts launches;
    private final List<AuthServerProperties.User> users;
    private final List<AuthServerProperties.Client> clients;
    private final String fhirBase;

    AuthPages(ResourceStore store, LaunchContexts launches, AuthServerProperties properties,
            @Value("${overturn.fhir.base-url:}") String fhirBase) {
        this.store = store;
        this.launches = launches;
        this.users = properties.users();
        this.clients = properties.clients();
        this.fhirBase = fhirBase;
    }

    @GetMapping(value = LOGIN, produces = MediaType.TEXT_HTML_VALUE)
    String login(HttpServletRequest request, @RequestParam(required = false) String error) {
        CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        StringBuilder options = new StringBuilder();
        for (AuthServerProperties.User user : users) {
            options.append("<option>").append(esc(user.username())).append("</option>");
        }
        return page("Sign in (development)", (error == null ? "" : "<p role=alert>That user is not configured.</p>")
                + "<p>Development authorization server: choose who you are. No password; it answers on loopback only.</p>"
                + "<form method=post action=\"" + LOGIN + "\"><label>User <select name=username>" + options
                + "</select></label><input type=hidden name=password value=development>"
                + (csrf == null ? "" : "<input type=hidden name=\"" + esc(csrf.getParameterName()) + "\" value=\""
                        + esc(csrf.getToken()) + "\">")
                + "<button type=submit>Sign in</button></form>");
    }

    /** Standalone launch with {@code launch/patient}: the user picks the patient; the query is the authorize request. */
    @GetMapping(value = PATIENTS, produces = MediaType.TEXT_HTML_VALUE)
    String patients(HttpServletRequest request) {
        StringBuilder rows = new StringBuilder();
        // The signed-in development user has no token: the picker lists patients as the server.
        List<StoredResource> found = SystemWork.call("auth-server",
                () -> store.search(store.parseQuery("Patient", "_count=200")).items());
        for (StoredResource stored : found) {
            if (!(stored.resource() instanceof Patient patient)) {
                continue;
            }
            String pick = UriComponentsBuilder.fromPath(PICK).query(request.getQueryString())
                    .replaceQueryParam("patient", stored.id()).build().toUriString();
            rows.append("<li><a href=\"").append(esc(pick)).append("\">")
                    .append(esc(patient.hasName() ? patient.getNameFirstRep().getNameAsSingleString() : "(no name)"))
                    .append("</a> ").append(esc(patient.hasBirthDate() ? patient.getBirthDateElement().getValueAsString() : ""))
                    .append(" <small>").append(esc(stored.id())).append("</small></li>");
        }
        return page("Choose a patient", rows.isEmpty()
                ? "<p>No patients are stored on this server yet.</p>"
                : "<ul>" + rows + "</ul>");
    }

    /** Back to the authorize request with a launch context for the chosen patient. */
    @GetMapping(PICK)
    ResponseEntity<Void> pick(HttpServletRequest request, @RequestParam String patient) {
        if (!known(patient)) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).build();
        }
        // The query is the app's authorize request as it came, still encoded; "continue" is the sign-in's mark.
        URI authorize = UriComponentsBuilder.fromPath(AuthServerConfig.AUTHORIZE).query(request.getQueryString())
                .replaceQueryParam("patient")
                .replaceQueryParam("continue")
                .replaceQueryParam(SmartTokens.LAUNCH, launches.launch(patient))
                .build(true).toUri();
        return ResponseEntity.status(HttpStatus.FOUND).location(authorize).build();
    }

    /**
     * The development EHR's chart list: every stored patient with a link that opens Overturn on them, and one per
     * recent stored assessment (CoverageEligibilityResponse) that opens it as the CDS card's SMART link does.
     */
    @GetMapping(value = EHR, produces = MediaType.TEXT_HTML_VALUE)
    String ehr() {
        if (fhirBase.isBlank()) {
            return page("Development EHR", "<p>Set overturn.fhir.base-url: the app's launch URL is made from it.</p>");
        }
        String launchUri = origin(URI.create(fhirBase)) + APP_LAUNCH;
        // As the picker: the development EHR has no token of its own, so it reads the store as the server.
        String rows = SystemWork.call("auth-server", () -> {
            StringBuilder html = new StringBuilder();
            for (StoredResource stored : store.search(store.parseQuery("Patient", "_count=200")).items()) {
                if (stored.resource() instanceof Patient patient) {
                    html.append(chartRow(stored.id(), patient, launchUri));
                }
            }
            return html.toString();
        });
        return page("Development EHR", "<p>Opens the SMART app at " + esc(launchUri)
                + " as an EHR launch does, on the patient or from one of their CDS cards.</p>"
                + (rows.isEmpty() ? "<p>No patients are stored on this server yet.</p>" : "<ul>" + rows + "</ul>"));
    }

    private String chartRow(String patientId, Patient patient, String launchUri) {
        StringBuilder row = new StringBuilder("<li>")
                .append(esc(patient.hasName() ? patient.getNameFirstRep().getNameAsSingleString() : "(no name)"))
                .append(' ').append(esc(patient.hasBirthDate() ? patient.getBirthDateElement().getValueAsString() : ""))
                .append(" <small>").append(esc(patientId)).append("</small> ")
                .append(anchor(ehrLaunchLink(patientId, launchUri, null), "Open Overturn"));
        List<StoredResource> assessments = store.search(store.parseQuery("CoverageEligibilityResponse",
                "patient=" + enc(patientId) + "&_sort=-created&_count=" + CARDS_PER_PATIENT)).items();
        StringBuilder cards = new StringBuilder();
        for (StoredResource stored : assessments) {
            if (stored.resource() instanceof CoverageEligibilityResponse response) {
                String text = "Open from the CDS card (" + drug(response) + ", " + created(response) + ")";
                cards.append("<li>").append(anchor(
                        ehrLaunchLink(patientId, launchUri, cardContext(stored.id(), response)), text)).append("</li>");
            }
        }
        if (!cards.isEmpty()) {
            row.append("<ul>").append(cards).append("</ul>");
        }
        return row.append("</li>").toString();
    }

    /** The appContext of the CDS card that named this assessment: it, and the order when its request names one. */
    private String cardContext(String responseId, CoverageEligibilityResponse response) {
        ObjectNode context = JsonNodeFactory.instance.objectNode()
                .put("assessment", "CoverageEligibilityResponse/" + responseId);
        order(response).ifPresent(order -> context.put("order", order));
        return context.toString();
    }

    /** {@code MedicationRequest/<id>} from the stored request's {@code item[0].detail[0]}, when it can be reached. */
    private Optional<String> order(CoverageEligibilityResponse response) {
        if (!response.hasRequest() || !response.getRequest().hasReference()) {
            return Optional.empty();
        }
        // Versionless but still absolute when it is: a request on another server is not reachable here.
        return store.find(response.getRequest().getReferenceElement().toVersionless().getValue())
                .map(StoredResource::resource)
                .filter(CoverageEligibilityRequest.class::isInstance)
                .map(CoverageEligibilityRequest.class::cast)
                .filter(request -> request.hasItem() && request.getItemFirstRep().hasDetail())
                .map(request -> request.getItemFirstRep().getDetailFirstRep().getReferenceElement())
                .filter(order -> "MedicationRequest".equals(order.getResourceType()) && order.hasIdPart())
                .map(order -> "MedicationRequest/" + order.getIdPart());
    }

    private static String drug(CoverageEligibilityResponse response) {
        if (response.hasInsurance() && response.getInsuranceFirstRep().hasItem()) {
            CodeableConcept product = response.getInsuranceFirstRep().getItemFirstRep().getProductOrService();
            if (product.hasText()) {
                return product.getText();
            }
            for (Coding coding : product.getCoding()) {
                if (coding.hasDisplay()) {
                    return coding.getDisplay();
                }
            }
        }
        return "assessment";
    }

    private static String created(CoverageEligibilityResponse response) {
        if (!response.hasCreated()) {
            return "undated";
        }
        // The date part as recorded, in the offset it was written with.
        String created = response.getCreatedElement().getValueAsString();
        return created.substring(0, Math.min(10, created.length()));
    }

    private static String ehrLaunchLink(String patientId, String launchUri, @Nullable String appContext) {
        return EHR_LAUNCH + "?patient=" + enc(patientId) + "&launch_uri=" + enc(launchUri)
                + (appContext == null ? "" : "&app_context=" + enc(appContext));
    }

    private static String anchor(String href, String text) {
        return "<a href=\"" + esc(href) + "\">" + esc(text) + "</a>";
    }

    /**
     * A development EHR: opens a registered app's launch URL on a patient ({@code iss} and {@code launch}, as an EHR
     * launch does), with the {@code appContext} to hand to the app, if any (the app reads it from the token
     * response). The launch URL must be on the origin of one of the registered redirect URIs.
     */
    @GetMapping(EHR_LAUNCH)
    ResponseEntity<String> ehrLaunch(@RequestParam String patient, @RequestParam("launch_uri") URI launchUri,
            @RequestParam(name = "app_context", required = false) @Nullable String appContext) {
        if (appContext != null && appContext.length() > LaunchContexts.MAX_APP_CONTEXT) {
            return ResponseEntity.badRequest().contentType(MediaType.TEXT_PLAIN)
                    .body("app_context is " + appContext.length() + " characters long; at most "
                            + LaunchContexts.MAX_APP_CONTEXT + " are accepted");
        }
        if (registeredOrigin(launchUri).isEmpty()) {
            return ResponseEntity.badRequest().contentType(MediaType.TEXT_PLAIN)
                    .body("launch_uri must be on the origin of a registered client's redirect URI");
        }
        if (!known(patient)) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_PLAIN)
                    .body("No patient " + patient + " on this server");
        }
        URI app = UriComponentsBuilder.fromUri(launchUri)
                .queryParam("iss", fhirBase)
                .queryParam(SmartTokens.LAUNCH, launches.launch(patient, appContext))
                .build().toUri();
        return ResponseEntity.status(HttpStatus.FOUND).location(app).build();
    }

    private boolean known(String patient) {
        return SystemWork.call("auth-server", () -> store.find("Patient/" + patient).isPresent());
    }

    private Optional<String> registeredOrigin(URI launchUri) {
        String origin = origin(launchUri);
        return clients.stream().flatMap(c -> c.redirectUris().stream())
                .map(u -> origin(URI.create(u)))
                .filter(o -> o.equals(origin))
                .findFirst();
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getAuthority();
    }

    private static String page(String title, String body) {
        return "<!doctype html><html lang=en><head><meta charset=utf-8><title>" + esc(title)
                + "</title></head><body><h1>" + esc(title) + "</h1>" + body + "</body></html>";
    }

    private static String esc(String text) {
        return HtmlUtils.htmlEscape(text);
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
