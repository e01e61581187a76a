package org.overturn.authserver;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.overturn.store.ResourceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The development users' own FHIR resources ({@code fhirUser}). SMART makes the claim the resource's URL, so a
 * configured {@code Practitioner/dev-clinician} is named by its absolute URL on this server; and that resource is
 * stored at start, so that a client can read what its id token names (a configured absolute URL of another server is
 * passed on as it is, and not stored).
 */
final class DevelopmentUsers {
    private static final Logger log = LoggerFactory.getLogger(DevelopmentUsers.class);

    private final Map<String, String> fhirUsers;
    private final Map<String, String> local;

    DevelopmentUsers(List<AuthServerProperties.User> users, String fhirBase) {
        String base = fhirBase.endsWith("/") ? fhirBase.substring(0, fhirBase.length() - 1) : fhirBase;
        Map<String, String> byName = new HashMap<>();
        Map<String, String> ours = new HashMap<>();
        for (AuthServerProperties.User user : users) {
            String configured = user.fhirUser();
            if (configured == null) {
                continue;
            }
            if (configured.startsWith("http://") || configured.startsWith("https://")) {
                byName.put(user.username(), configured);
                if (!base.isEmpty() && configured.startsWith(base + "/")) {
                    ours.put(user.username(), reference(user, configured.substring(base.length() + 1)));
                }
                continue;
            }
            String reference = reference(user, configured);
            if (base.isEmpty()) {
                throw new IllegalStateException("overturn.auth-server.users: " + user.username() + " has fhir-user "
                        + configured + ", which is made into this server's URL: set overturn.fhir.base-url");
            }
            byName.put(user.username(), base + "/" + reference);
            ours.put(user.username(), reference);
        }
        this.fhirUsers = Map.copyOf(byName);
        this.local = Map.copyOf(ours);
    }

    /** {@code Practitioner/<id>} or {@code Patient/<id>}: the types this server makes a development user's resource of. */
    private static String reference(AuthServerProperties.User user, String reference) {
        String[] parts = reference.split("/", -1);
        if (parts.length != 2 || !List.of("Practitioner", "Patient").contains(parts[0])
                || !parts[1].matches("[A-Za-z0-9\\-.]{1,64}")) {
            throw new IllegalStateException("overturn.auth-server.users: " + user.username() + " has fhir-user "
                    + reference + "; name a Practitioner or Patient of this server (Practitioner/<id>), which is"
                    + " stored at start, or give the absolute URL of a resource elsewhere");
        }
        return reference;
    }

    /** The {@code fhirUser} of a signed-in user: an absolute URL. */
    Optional<String> fhirUser(String username) {
        return Optional.ofNullable(fhirUsers.get(username));
    }

    /**
     * Stores each user's resource on this server that is not stored yet, with synthetic content. By id (an update),
     * so instances starting together write the same resource rather than several; one already stored, or changed
     * since, is left as it is.
     */
    void store(ResourceStore store) {
        local.forEach((username, reference) -> {
            if (store.find(reference).isEmpty()) {
                String[] parts = reference.split("/");
                IBaseResource resource = resource(parts[0], username);
                resource.setId(parts[1]);
                store.update(parts[0], parts[1], resource, null);
                log.info("Stored {} for development user {}", reference, username);
            }
        });
    }

    private static IBaseResource resource(String type, String username) {
        HumanName name = new HumanName().setText(username + " (development user)").setFamily(username);
        return "Patient".equals(type)
                ? new Patient().addName(name).setActive(true)
                : new Practitioner().addName(name).setActive(true);
    }
}
