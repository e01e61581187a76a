package org.overturn.subscriptions;

/**
 * The canonical URLs and codes of the FHIR Subscriptions R5 Backport IG (1.1.0) that Overturn reads and writes on R4.
 *
 * @see <a href="https://hl7.org/fhir/uv/subscriptions-backport/STU1.1/">Subscriptions R5 Backport</a>
 */
public final class BackportProfiles {
    private BackportProfiles() {}

    private static final String BASE = "http://hl7.org/fhir/uv/subscriptions-backport/";
    private static final String SD = BASE + "StructureDefinition/";

    /** Profile of a topic-based Subscription on R4. */
    public static final String SUBSCRIPTION = SD + "backport-subscription";

    /** Profiles of the notification Bundle (type history) and of its first entry, the SubscriptionStatus Parameters. */
    public static final String NOTIFICATION = SD + "backport-subscription-notification-r4";
    public static final String STATUS = SD + "backport-subscription-status-r4";

    /** On Subscription.criteria: one filter, {@code [Type?]name=value[,value]}; several are ANDed. */
    public static final String FILTER_CRITERIA = SD + "backport-filter-criteria";

    /** On Subscription.channel.payload: empty | id-only | full-resource. */
    public static final String PAYLOAD_CONTENT = SD + "backport-payload-content";

    /** On Subscription.channel: heartbeat interval and delivery timeout, in seconds (unsignedInt). */
    public static final String HEARTBEAT_PERIOD = SD + "backport-heartbeat-period";
    public static final String TIMEOUT = SD + "backport-timeout";

    /** On Subscription.channel.type: a channel R4 does not name (not supported here). */
    public static final String CHANNEL_TYPE = SD + "backport-channel-type";

    /** On CapabilityStatement.rest.resource (Subscription): a topic the server supports. */
    public static final String TOPIC_CANONICAL = SD + "capabilitystatement-subscriptiontopic-canonical";

    public static final String OPERATION_STATUS = BASE + "OperationDefinition/backport-subscription-status";
    public static final String OPERATION_EVENTS = BASE + "OperationDefinition/backport-subscription-events";

    /** Payload content codes. */
    public static final String EMPTY = "empty";
    public static final String ID_ONLY = "id-only";
    public static final String FULL_RESOURCE = "full-resource";

    /** Notification types (R5 subscription-notification-type). */
    public static final String HANDSHAKE = "handshake";
    public static final String HEARTBEAT = "heartbeat";
    public static final String EVENT_NOTIFICATION = "event-notification";
    public static final String QUERY_STATUS = "query-status";
    public static final String QUERY_EVENT = "query-event";
}
