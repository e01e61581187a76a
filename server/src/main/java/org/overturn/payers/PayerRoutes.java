package org.overturn.payers;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Which payers are reached over HTTP (configured routes, by payer identifier); every other payer is the sandbox. */
public final class PayerRoutes {
    private final List<PayerRoute> routes;

    PayerRoutes(List<PayerRoute> routes) {
        this.routes = List.copyOf(routes);
    }

    /** The route of a payer known by these identifiers ({@code system|value}), if one is configured. */
    public Optional<PayerRoute> route(Collection<String> identifiers) {
        return routes.stream().filter(r -> identifiers.contains(r.identifier())).findFirst();
    }

    /** The route for eligibility requests of such a payer, if its route forwards them. */
    public Optional<PayerRoute> eligibilityRoute(Collection<String> identifiers) {
        return route(identifiers).filter(PayerRoute::eligibility);
    }

    /** The route configured now for an endpoint a request was queued for (its credentials and timeout may change). */
    public PayerRoute byEndpoint(String endpoint) {
        return routes.stream().filter(r -> r.endpoint().toString().equals(endpoint)).findFirst()
                .orElseGet(() -> PayerRoute.unconfigured(endpoint));
    }

    public List<PayerRoute> all() {
        return routes;
    }
}
