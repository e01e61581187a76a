package org.overturn.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.ResourceStore;
import org.overturn.store.ResourceStore.ConditionalWrites;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * The conditional writes narrowed to a compartment ({@link ResourceStore#withinCompartment}) refuse client-owned types
 * to tokens, as the other conditional paths of {@link AccessCheckedStore} do, before the store is asked anything; and
 * every write on a token's behalf is checked against its scopes and compartment in the store.
 */
class AccessCheckedStoreTest {
    /** What reached the store underneath: the narrowed writes called, by name and type. */
    private final List<String> reached = new ArrayList<>();

    private ResourceStore store;
    private AccessCheckedStore checked;

    @BeforeEach
    void setUp() {
        ConditionalWrites narrowed = (ConditionalWrites) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ConditionalWrites.class}, (proxy, method, args) -> {
                    Object first = args[0];
                    reached.add(method.getName() + " " + (first instanceof org.hl7.fhir.instance.model.api.IBaseResource r
                            ? r.fhirType() : first));
                    return method.getReturnType() == int.class ? 0 : null;
                });
        store = (ResourceStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ResourceStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("withinCompartment")) {
                        return narrowed;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        checked = new AccessCheckedStore(store, new AccessContext(false, Set.of()));
    }

    @AfterEach
    void clearCaller() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void tokenWhenConditionallyWritingAClientOwnedTypeWithinACompartmentThenRefusedBeforeTheStore() {
        signIn("user/*.cruds", "p1");
        ConditionalWrites writes = checked.withinCompartment("p1");
        List<Runnable> attempts = List.of(
                () -> writes.create(new Subscription(), "url=https://app.example/hook"),
                () -> writes.update("Subscription", "url=https://app.example/hook", new Subscription()),
                () -> writes.delete("Subscription", "url=https://app.example/hook"),
                () -> writes.matchOne("Subscription", "url=https://app.example/hook"));
        for (Runnable attempt : attempts) {
            assertThatThrownBy(attempt::run).isInstanceOfSatisfying(OverturnException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED_FOR_PATIENT_SCOPE));
        }
        assertThat(reached).isEmpty();
    }

    @Test
    void tokenWhenConditionallyWritingACompartmentTypeWithinACompartmentThenPassedToTheStore() {
        signIn("patient/*.cruds", "p1");
        ConditionalWrites writes = checked.withinCompartment("p1");
        writes.create(new Observation(), "identifier=x|1");
        writes.update("Observation", "identifier=x|1", new Observation());
        writes.delete("Observation", "identifier=x|1");
        writes.matchOne("Observation", "identifier=x|1");
        assertThat(reached).containsExactly("create Observation", "update Observation", "delete Observation",
                "matchOne Observation");
    }

    @Test
    void developmentModeWhenConditionallyWritingAClientOwnedTypeThenPassedToTheStore() {
        AccessCheckedStore development = new AccessCheckedStore(store, new AccessContext(true, Set.of()));
        development.withinCompartment("p1").matchOne("Subscription", "url=https://app.example/hook");
        assertThat(reached).containsExactly("matchOne Subscription");
    }

    /**
     * Writes on a token's behalf are checked in the store whatever made them (an operation's own writes included): a
     * patient-scoped caller writes nothing naming another patient, changes nothing stored of another patient's, and
     * writes only the types its scopes allow.
     */
    @Test
    void patientTokenWhenAWriteReachesTheStoreThenItNamesNoOtherPatientAndItsScopesAllowIt() {
        // The store underneath: each resource's compartments by its id, the stored ones by type/id; writes recorded.
        Map<String, Set<String>> compartments = Map.of("own", Set.of("p1"), "others", Set.of("p2"),
                "shared", Set.of("p1", "p2"), "none", Set.of());
        Map<String, Set<String>> storedCompartments = Map.of("Observation/own", Set.of("p1"),
                "Observation/others", Set.of("p2"), "Provenance/none", Set.of());
        ResourceStore underneath = (ResourceStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ResourceStore.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "patientCompartments" -> compartments.get(
                            ((org.hl7.fhir.instance.model.api.IBaseResource) args[0]).getIdElement().getIdPart());
                    case "storedCompartments" -> storedCompartments.get(args[0] + "/" + args[1]);
                    case "create", "update", "delete" -> {
                        reached.add(method.getName() + " " + (args[0] instanceof org.hl7.fhir.instance.model.api.IBaseResource r
                                ? r.fhirType() + "/" + r.getIdElement().getIdPart() : args[0] + "/" + args[1]));
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        AccessCheckedStore writes = new AccessCheckedStore(underneath, new AccessContext(false, Set.of()));
        signIn("patient/*.cruds", "p1");

        writes.create(observation("own"), null);
        writes.create(new org.hl7.fhir.r4.model.Provenance().setId("none"), null); // an operation's Provenance of a letter
        writes.update("Observation", "own", observation("own"), null);
        writes.delete("Observation", "own", null);
        assertThat(reached).containsExactly("create Observation/own", "create Provenance/none",
                "update Observation/own", "delete Observation/own");
        reached.clear();

        List<Runnable> refused = List.of(
                () -> writes.create(observation("others"), null),
                () -> writes.create(observation("shared"), null),
                () -> writes.update("Observation", "others", observation("own"), null), // moving B's out of B's
                () -> writes.update("Observation", "own", observation("others"), null), // moving A's into B's
                () -> writes.delete("Observation", "others", null));
        for (Runnable attempt : refused) {
            assertThatThrownBy(attempt::run).isInstanceOfSatisfying(OverturnException.class,
                    e -> assertThat(e.code()).isIn(ErrorCode.INSUFFICIENT_SCOPE, ErrorCode.NOT_FOUND));
        }
        signIn("patient/Observation.rs patient/Provenance.c", "p1");
        assertThatThrownBy(() -> writes.create(observation("own"), null)).isInstanceOfSatisfying(
                OverturnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_SCOPE));
        assertThat(reached).isEmpty();
    }

    private static Observation observation(String id) {
        Observation observation = new Observation();
        observation.setId(id);
        return observation;
    }

    private static void signIn(String scope, String patient) {
        Jwt jwt = new Jwt("token-" + scope + patient, Instant.EPOCH, Instant.EPOCH.plusSeconds(60), Map.of("alg", "RS256"),
                Map.of("sub", "clinician", "scope", scope, "patient", patient, "client_id", "app",
                        "iss", "https://issuer.example"));
        SecurityContextHolder.getContext().setAuthentication(new JwtAuthenticationToken(jwt, List.of()));
    }
}
