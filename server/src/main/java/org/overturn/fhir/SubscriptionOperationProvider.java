package org.overturn.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.overturn.subscriptions.EventsRequest;
import org.overturn.subscriptions.SubscriptionService;
import org.jspecify.annotations.Nullable;

/**
 * The Subscriptions Backport operations: {@code Subscription/{id}/$status} and {@code Subscription/$status} (a
 * searchset of SubscriptionStatus Parameters), and {@code Subscription/{id}/$events} (a notification Bundle of events
 * already queued). GET or POST.
 */
final class SubscriptionOperationProvider {
    private final SubscriptionService subscriptions;

    SubscriptionOperationProvider(SubscriptionService subscriptions) {
        this.subscriptions = subscriptions;
    }

    @Operation(name = "$status", type = Subscription.class, idempotent = true)
    public Bundle status(@IdParam IdType id, RequestDetails request) {
        return subscriptions.status(id.getIdPart(), request.getFhirServerBase());
    }

    @Operation(name = "$status", type = Subscription.class, idempotent = true)
    public Bundle statuses(@OperationParam(name = "id") @Nullable List<IdType> ids,
            @OperationParam(name = "status") @Nullable List<CodeType> statuses, RequestDetails request) {
        return subscriptions.statuses(
                ids == null ? List.of() : ids.stream().map(IdType::getIdPart).toList(),
                statuses == null ? List.of() : statuses.stream().map(CodeType::getValue).toList(),
                request.getFhirServerBase());
    }

    @Operation(name = "$events", type = Subscription.class, idempotent = true)
    public Bundle events(@IdParam IdType id,
            @OperationParam(name = "eventsSinceNumber") @Nullable StringType since,
            @OperationParam(name = "eventsUntilNumber") @Nullable StringType until,
            @OperationParam(name = "content") @Nullable CodeType content, RequestDetails request) {
        EventsRequest asked = EventsRequest.parse(id.getIdPart(), since == null ? null : since.getValue(),
                until == null ? null : until.getValue(), content == null ? null : content.getValue());
        return subscriptions.events(asked, request.getFhirServerBase());
    }
}
