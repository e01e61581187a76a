package org.overturn.subscriptions;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.HostAllowList;
import org.overturn.platform.OverturnException;
import org.jspecify.annotations.Nullable;

/**
 * Reads a Subscription as the R5 Backport IG's topic-based Subscription and checks it against what this server
 * supports: a known topic, filters the topic defines, a rest-hook channel to an allowed endpoint, a payload content
 * code. Every problem is collected and reported in one 422 that says what to fix.
 */
final class SubscriptionReader {
    static final Set<String> MIME_TYPES = Set.of("application/fhir+json", "application/fhir+xml", "application/json");
    private static final Set<String> CONTENTS = Set.of(BackportProfiles.EMPTY, BackportProfiles.ID_ONLY, BackportProfiles.FULL_RESOURCE);
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");
    /** Headers the server sets itself; a subscriber may not replace them. */
    private static final Set<String> RESERVED = Set.of("content-type", "content-length", "host", "connection",
            "transfer-encoding", "expect", "upgrade");

    private final TopicCatalog topics;
    private final HostAllowList hosts;
    private final Duration minHeartbeat;

    SubscriptionReader(TopicCatalog topics, HostAllowList hosts, Duration minHeartbeat) {
        this.topics = topics;
        this.hosts = hosts;
        this.minHeartbeat = minHeartbeat;
    }

    BackportSubscription read(Subscription s) {
        List<Problem> problems = new ArrayList<>();
        Topic topic = topic(s, problems);
        List<BackportSubscription.Criterion> filters = topic == null ? List.of() : filters(s, topic, problems);
        Subscription.SubscriptionChannelComponent channel = s.getChannel();
        if (channel.getType() != Subscription.SubscriptionChannelType.RESTHOOK
                || channel.getTypeElement().hasExtension(BackportProfiles.CHANNEL_TYPE)) {
            String asked = channel.getTypeElement().hasExtension(BackportProfiles.CHANNEL_TYPE)
                    ? "a custom channel" : String.valueOf(channel.getTypeElement().getValueAsString());
            problems.add(new Problem("Subscription.channel.type", "only rest-hook is supported (not " + asked
                    + "): notifications are POSTed to channel.endpoint"));
        }
        URI endpoint = endpoint(channel, problems);
        List<BackportSubscription.Header> headers = headers(channel, problems);
        String mimeType = channel.getPayload();
        if (mimeType == null || !MIME_TYPES.contains(mimeType.toLowerCase(Locale.ROOT))) {
            problems.add(new Problem("Subscription.channel.payload", "must be one of " + String.join(", ", MIME_TYPES.stream().sorted().toList())
                    + (mimeType == null ? " (it is missing)" : " (not '" + mimeType + "')")));
        }
        Extension contentExt = channel.getPayloadElement().getExtensionByUrl(BackportProfiles.PAYLOAD_CONTENT);
        String content = contentExt == null || !(contentExt.getValue() instanceof PrimitiveType<?> code) ? null : code.getValueAsString();
        if (content == null || !CONTENTS.contains(content)) {
            problems.add(new Problem("Subscription.channel.payload.extension", "needs the extension " + BackportProfiles.PAYLOAD_CONTENT
                    + " with valueCode empty, id-only or full-resource" + (content == null ? "" : " (not '" + content + "')")));
        }
        Integer heartbeat = seconds(channel, BackportProfiles.HEARTBEAT_PERIOD, "heartbeat period", problems);
        if (heartbeat != null && heartbeat < minHeartbeat.toSeconds()) {
            problems.add(new Problem("Subscription.channel.extension", "the heartbeat period must be at least "
                    + minHeartbeat.toSeconds() + " seconds (not " + heartbeat + ")"));
        }
        Integer timeout = seconds(channel, BackportProfiles.TIMEOUT, "timeout", problems);
        if (timeout != null && timeout == 0) {
            problems.add(new Problem("Subscription.channel.extension", "the timeout must be at least 1 second"));
        }
        if (!problems.isEmpty() || topic == null || endpoint == null || content == null || mimeType == null) {
            throw new OverturnException(ErrorCode.BUSINESS_RULE, "The Subscription cannot be accepted: "
                    + String.join("; ", problems.stream().map(p -> p.path() + ": " + p.message()).toList()),
                    problems.isEmpty() ? null : problems.get(0).path());
        }
        return new BackportSubscription(topic, filters, endpoint, headers, mimeType.toLowerCase(Locale.ROOT), content, heartbeat, timeout);
    }

    private record Problem(String path, String message) {}

    private @Nullable Topic topic(Subscription s, List<Problem> problems) {
        String criteria = s.getCriteria();
        Optional<Topic> topic = criteria == null ? Optional.empty() : topics.find(criteria.trim());
        if (topic.isEmpty()) {
            problems.add(new Problem("Subscription.criteria", "must be the canonical URL of a supported topic ("
                    + String.join(", ", topics.all().stream().map(Topic::url).toList()) + "); only topic-based subscriptions"
                    + " (Subscriptions R5 Backport) are supported" + (criteria == null ? "" : ", not '" + criteria + "'")));
            return null;
        }
        return topic.get();
    }

    private static List<BackportSubscription.Criterion> filters(Subscription s, Topic topic, List<Problem> problems) {
        List<BackportSubscription.Criterion> out = new ArrayList<>();
        String path = "Subscription.criteria.extension";
        for (Extension e : s.getCriteriaElement().getExtension()) {
            if (!BackportProfiles.FILTER_CRITERIA.equals(e.getUrl())) {
                continue;
            }
            String value = e.getValue() instanceof StringType str ? str.getValue() : null;
            if (value == null || value.isBlank()) {
                problems.add(new Problem(path, "a filter criteria extension needs a valueString such as '"
                        + topic.filters().get(0).name() + "=...'"));
                continue;
            }
            String query = value.trim();
            int question = query.indexOf('?');
            if (question >= 0) {
                String type = query.substring(0, question);
                if (!type.equals(topic.resource())) {
                    problems.add(new Problem(path, "filter '" + value + "' names " + type + " but the topic is about "
                            + topic.resource()));
                    continue;
                }
                query = query.substring(question + 1);
            }
            for (String part : query.split("&")) {
                int eq = part.indexOf('=');
                String name = eq < 0 ? part : part.substring(0, eq);
                List<String> values = eq < 0 ? List.of()
                        : Arrays.stream(part.substring(eq + 1).split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
                if (topic.filter(name).isEmpty()) {
                    problems.add(new Problem(path, "'" + name + "' is not a filter of the topic " + topic.url() + " (its filters: "
                            + String.join(", ", topic.filters().stream().map(Topic.Filter::name).toList()) + ")"));
                } else if (values.isEmpty()) {
                    problems.add(new Problem(path, "filter '" + part + "' has no value; write " + name + "=<value>"));
                } else {
                    out.add(new BackportSubscription.Criterion(name, values));
                }
            }
        }
        if (topic.anyFilterRequired() && out.isEmpty()) {
            problems.add(new Problem(path, "the topic " + topic.url() + " spans every patient; name at least one of its"
                    + " filters (" + String.join(", ", topic.filters().stream().map(Topic.Filter::name).toList())
                    + ") with " + BackportProfiles.FILTER_CRITERIA));
        }
        for (Topic.Filter required : topic.filters()) {
            if (required.required() && out.stream().noneMatch(c -> c.name().equals(required.name()))) {
                problems.add(new Problem(path, "the topic " + topic.url() + " needs a filter " + required.name()
                        + "=<value> (" + BackportProfiles.FILTER_CRITERIA + "): " + required.description()));
            }
        }
        return out;
    }

    private @Nullable URI endpoint(Subscription.SubscriptionChannelComponent channel, List<Problem> problems) {
        String endpoint = channel.getEndpoint();
        if (endpoint == null || endpoint.isBlank()) {
            problems.add(new Problem("Subscription.channel.endpoint", "is required: the URL notifications are POSTed to"));
            return null;
        }
        URI uri;
        try {
            uri = new URI(endpoint.trim());
        } catch (URISyntaxException e) {
            problems.add(new Problem("Subscription.channel.endpoint", "'" + endpoint + "' is not a URL"));
            return null;
        }
        String refusal = hosts.refusal(uri);
        if (refusal != null) {
            problems.add(new Problem("Subscription.channel.endpoint", refusal));
            return null;
        }
        if (uri.getUserInfo() != null || uri.getFragment() != null) {
            problems.add(new Problem("Subscription.channel.endpoint", "may not carry user information or a fragment;"
                    + " put credentials in channel.header"));
            return null;
        }
        return uri;
    }

    private static List<BackportSubscription.Header> headers(Subscription.SubscriptionChannelComponent channel, List<Problem> problems) {
        List<BackportSubscription.Header> out = new ArrayList<>();
        for (StringType header : channel.getHeader()) {
            String raw = header.getValue() == null ? "" : header.getValue();
            int colon = raw.indexOf(':');
            String name = colon < 0 ? "" : raw.substring(0, colon).trim();
            String value = colon < 0 ? "" : raw.substring(colon + 1).trim();
            if (!HEADER_NAME.matcher(name).matches() || value.isEmpty() || raw.indexOf('\r') >= 0 || raw.indexOf('\n') >= 0) {
                problems.add(new Problem("Subscription.channel.header", "each header is one line 'Name: value', e.g."
                        + " 'Authorization: Bearer <token>'"));
            } else if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                problems.add(new Problem("Subscription.channel.header", "'" + name + "' is set by the server and cannot be given"));
            } else {
                out.add(new BackportSubscription.Header(name, value));
            }
        }
        return out;
    }

    private static @Nullable Integer seconds(Subscription.SubscriptionChannelComponent channel, String url, String what,
            List<Problem> problems) {
        Extension e = channel.getExtensionByUrl(url);
        if (e == null) {
            return null;
        }
        if (e.getValue() instanceof org.hl7.fhir.r4.model.IntegerType n && n.getValue() != null && n.getValue() >= 0) {
            return n.getValue();
        }
        problems.add(new Problem("Subscription.channel.extension", "the " + what + " (" + url + ") must be a valueUnsignedInt of seconds"));
        return null;
    }
}
