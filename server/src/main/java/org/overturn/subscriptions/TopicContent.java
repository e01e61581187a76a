package org.overturn.subscriptions;

import org.hl7.fhir.r4.model.Resource;

/**
 * What a full-resource notification of one topic carries for its focus, when it is more than the focus itself: for
 * Da Vinci PAS, the PAS response Bundle around the ClaimResponse. A feature that owns such a topic provides a bean.
 */
public interface TopicContent {

    /** The topic's canonical URL. */
    String topic();

    /**
     * The notification entry's resource for {@code focus} (the version the event is about).
     *
     * @param serverBase this server's FHIR base URL, for fullUrls
     */
    Resource fullResource(Resource focus, String serverBase);
}
