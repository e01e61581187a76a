package org.overturn.subscriptions;

import java.util.Map;
import java.util.Objects;
import org.hl7.fhir.r4.model.Resource;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;

/** Turns queued rows into notification events, reading the focus version for full-resource content. */
final class Notifications {
    private final ResourceStore store;
    private final Map<String, TopicContent> contents;

    Notifications(ResourceStore store, Map<String, TopicContent> contents) {
        this.store = store;
        this.contents = contents;
    }

    NotificationFactory.Event event(NotificationOutbox.Row row, String content, String serverBase) {
        String focus = row.focusType() + "/" + row.focusId();
        long version = row.focusVersion() == null ? 1 : row.focusVersion();
        Resource resource = null;
        if (content.equals(BackportProfiles.FULL_RESOURCE)) {
            try {
                // Event rows always name their focus (NotificationOutbox.enqueueEvent).
                StoredResource stored = store.vread(Objects.requireNonNull(row.focusType()), Objects.requireNonNull(row.focusId()), version);
                Resource focusResource = (Resource) stored.resource();
                TopicContent special = contents.get(row.topic());
                resource = special == null || focusResource == null ? focusResource : special.fullResource(focusResource, serverBase);
            } catch (OverturnException e) {
                if (e.code() != ErrorCode.NOT_FOUND && e.code() != ErrorCode.GONE) {
                    throw e;
                }
                // The version is gone: the entry keeps its request and response, without the resource (as the IG says).
            }
        }
        return new NotificationFactory.Event(row.eventNumber() == null ? 0 : row.eventNumber(), row.eventAt(), focus,
                version == 1, row.additionalContext(), resource);
    }
}
