package org.overturn.pas;

import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Organization;

/** Which payers are reached over HTTP (configured routes, by payer identifier); every other payer is the sandbox. */
final class PayerRouter {
    private final List<PasProperties.PayerRoute> routes;

    PayerRouter(List<PasProperties.PayerRoute> routes) {
        this.routes = List.copyOf(routes);
    }

    Optional<PasProperties.PayerRoute> route(Organization insurer) {
        for (PasProperties.PayerRoute route : routes) {
            boolean matches = insurer.getIdentifier().stream()
                    .anyMatch(i -> route.identifier().equals(i.getSystem() + "|" + i.getValue()));
            if (matches) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }

    /** The route currently configured for an endpoint a row was queued for (its token and timeout may change). */
    Optional<PasProperties.PayerRoute> byEndpoint(String endpoint) {
        return routes.stream().filter(r -> r.endpoint().toString().equals(endpoint)).findFirst();
    }
}
