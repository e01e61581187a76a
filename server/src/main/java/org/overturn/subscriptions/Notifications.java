package org.overturn.subscriptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;
import org.jspecify.annotations.Nullable;

/**
 * Turns queued rows into notification events: the focus entry (for full-resource content the focus version, or what
 * its topic carries instead) and one entry per additional-context resource (for full-resource content the version
 * the event named, or the current one where it named none), each named by the fullUrl the status refers to.
 */
final class Notifications {
    private final ResourceStore store;
    private final Map<String, TopicContent> contents;

    Notifications(ResourceStore store, Map<String, TopicContent> contents) {
        this.store = store;
        this.contents = contents;
    }

    NotificationFactory.Event event(NotificationOutbox.Row row, String content, String serverBase) {
        String base = NotificationFactory.trim(serverBase);
        // Event rows always name their focus (NotificationOutbox.enqueueEvent).
        String type = Objects.requireNonNull(row.focusType());
        String id = Objects.requireNonNull(row.focusId());
        long version = row.focusVersion() == null ? 1 : row.focusVersion();
        boolean full = content.equals(BackportProfiles.FULL_RESOURCE);
        NotificationFactory.Entry focus = focus(base, type, id, version, null);
        if (full) {
            Resource stored = storedVersion(type, id, version);
            TopicContent special = contents.get(row.topic());
            if (stored != null && special != null) {
                Resource carried = special.fullResource(stored, serverBase);
                // Built for this notification, so at no URL of this server: the entry and the focus name it by a urn:uuid.
                String uuid = UUID.randomUUID().toString();
                carried.setId(uuid);
                focus = new NotificationFactory.Entry("urn:uuid:" + uuid, carried, focus.method(), focus.url(), focus.status());
            } else {
                // A version that is gone keeps its entry's request and response, without the resource (as the IG says).
                focus = focus(base, type, id, version, stored);
            }
        }
        List<NotificationFactory.Entry> context = new ArrayList<>();
        for (String reference : row.additionalContext()) {
            IdType target = new IdType(reference);
            if (target.hasBaseUrl() || !target.hasResourceType() || !target.hasIdPart()) {
                continue; // not a resource of this server: nothing an entry could name
            }
            String local = target.getResourceType() + "/" + target.getIdPart();
            // A versioned reference names the version as of the event; an unversioned one reads the current version.
            boolean versioned = target.hasVersionIdPart() && target.isVersionIdPartValidLong();
            String url = versioned ? local + "/_history/" + target.getVersionIdPartAsLong() : local;
            Optional<Resource> carried = !full ? Optional.empty()
                    : versioned ? Optional.ofNullable(storedVersion(target.getResourceType(), target.getIdPart(), target.getVersionIdPartAsLong()))
                    : store.find(local).map(s -> (Resource) s.resource());
            String status = !full || carried.isPresent() ? "200" : "404";
            context.add(new NotificationFactory.Entry(base + "/" + local, carried.orElse(null), Bundle.HTTPVerb.GET, url, status));
        }
        return new NotificationFactory.Event(row.eventNumber() == null ? 0 : row.eventNumber(), row.eventAt(), focus, context);
    }

    /** The focus as stored on this server: its URL, and the write that made the version (POST for the first, else PUT). */
    private static NotificationFactory.Entry focus(String base, String type, String id, long version, @Nullable Resource resource) {
        boolean created = version == 1;
        return new NotificationFactory.Entry(base + "/" + type + "/" + id, resource,
                created ? Bundle.HTTPVerb.POST : Bundle.HTTPVerb.PUT, created ? type : type + "/" + id, created ? "201" : "200");
    }

    private @Nullable Resource storedVersion(String type, String id, long version) {
        try {
            StoredResource stored = store.vread(type, id, version);
            return (Resource) stored.resource();
        } catch (OverturnException e) {
            if (e.code() != ErrorCode.NOT_FOUND && e.code() != ErrorCode.GONE) {
                throw e;
            }
            return null;
        }
    }
}
