package org.overturn.authserver;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Patient;
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
 * standalone launch, and a development EHR that launches a registered app on a patient. Plain HTML, no scripts.
 * Only with the development authorization server.
 */
@RestController
@ConditionalOnProperty(name = "overturn.auth-server.enabled", havingValue = "true")
class AuthPages {
    static final String LOGIN = "/auth/login";
    static final String PATIENTS = "/auth/patients";
    static final String PICK = "/auth/patients/pick";
    static final String EHR_LAUNCH = "/auth/ehr-launch";

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
     * A development EHR: opens a registered app's launch URL on a patient ({@code iss} and {@code launch}, as an EHR
     * launch does). The launch URL must be on the origin of one of the registered redirect URIs.
     */
    @GetMapping(EHR_LAUNCH)
    ResponseEntity<String> ehrLaunch(@RequestParam String patient, @RequestParam("launch_uri") URI launchUri) {
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
                .queryParam(SmartTokens.LAUNCH, launches.launch(patient))
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
}
