package org.overturn.subscriptions;

import org.hl7.fhir.r4.model.Resource;

/**
 * What a full-resource notification of one topic carries as its focus, when it is more than the changed resource
 * itself: for Da Vinci PAS, the PAS response Bundle around the ClaimResponse. Such content exists only in the
 * notification, so the status's focus names it by the {@code urn:uuid} fullUrl of its entry. A feature that owns such
 * a topic provides a bean.
 */
public interface TopicContent {

    /** The topic's canonical URL. */
    String topic();

    /**
     * The notification's focus resource for {@code focus} (the version the event is about); a new instance each call
     * (the notification gives it an id).
     *
     * @param serverBase this server's FHIR base URL, for fullUrls
     */
    Resource fullResource(Resource focus, String serverBase);
}
