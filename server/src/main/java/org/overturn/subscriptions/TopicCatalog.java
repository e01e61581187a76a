package org.overturn.subscriptions;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.core.io.ClassPathResource;

/**
 * The topics this server supports, from {@code subscriptions/topics.yaml}, checked as a whole at start-up: a bad file
 * stops the server with one message listing every problem.
 */
final class TopicCatalog {
    static final String FILE = "subscriptions/topics.yaml";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");
    private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]+");

    private final List<Topic> topics;

    TopicCatalog(List<Topic> topics) {
        this.topics = List.copyOf(topics);
    }

    static TopicCatalog load() {
        try (InputStream in = new ClassPathResource(FILE).getInputStream()) {
            return read(in);
        } catch (IOException e) {
            throw new IllegalStateException(FILE + " cannot be read: " + e.getMessage(), e);
        }
    }

    static TopicCatalog read(InputStream in) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        JsonNode root = yaml.readTree(in);
        List<String> problems = new ArrayList<>();
        List<Topic> topics = new ArrayList<>();
        Set<String> urls = new HashSet<>();
        int i = 0;
        for (JsonNode node : root.path("topics")) {
            String at = "topics[" + i++ + "]";
            String url = text(node, "url", at, problems);
            URI uri = url.isEmpty() ? null : URI.create(url);
            if (uri != null && (!uri.isAbsolute() || url.contains("|"))) {
                problems.add(at + ".url '" + url + "' is not an absolute canonical URL without a version");
            }
            if (!url.isEmpty() && !urls.add(url)) {
                problems.add(at + ".url '" + url + "' is listed twice");
            }
            String resource = text(node, "resource", at, problems);
            if (!resource.isEmpty() && !TYPE.matcher(resource).matches()) {
                problems.add(at + ".resource '" + resource + "' is not a resource type name");
            }
            List<Topic.Filter> filters = new ArrayList<>();
            Set<String> names = new HashSet<>();
            int j = 0;
            for (JsonNode f : node.path("filters")) {
                String fat = at + ".filters[" + j++ + "]";
                String name = text(f, "name", fat, problems);
                if (!name.isEmpty() && (!NAME.matcher(name).matches() || !names.add(name))) {
                    problems.add(fat + ".name '" + name + "' is not a unique lower-case name");
                }
                String type = text(f, "type", fat, problems);
                Topic.Filter.Type kind = null;
                try {
                    kind = Topic.Filter.Type.valueOf(type.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    problems.add(fat + ".type '" + type + "' must be token or reference");
                }
                if (kind != null) {
                    filters.add(new Topic.Filter(name, kind, f.path("required").asBoolean(false), text(f, "description", fat, problems)));
                }
            }
            List<String> carried = new ArrayList<>();
            node.path("fullResourceTypes").forEach(t -> carried.add(t.asText("").trim()));
            for (String t : carried) {
                if (!t.equals("*") && !TYPE.matcher(t).matches()) {
                    problems.add(at + ".fullResourceTypes '" + t + "' is not a resource type name or *");
                }
            }
            if (carried.isEmpty()) {
                problems.add(at + ".fullResourceTypes is missing: the types a full-resource notification carries");
            }
            boolean anyFilter = node.path("anyFilterRequired").asBoolean(false);
            if (anyFilter && filters.isEmpty()) {
                problems.add(at + ".anyFilterRequired is set but the topic has no filters");
            }
            topics.add(new Topic(url, text(node, "title", at, problems), resource, text(node, "description", at, problems),
                    text(node, "source", at, problems), text(node, "fullResource", at, problems), filters, carried,
                    anyFilter));
        }
        if (topics.isEmpty()) {
            problems.add("no topics listed");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(FILE + " is not valid: " + String.join("; ", problems));
        }
        return new TopicCatalog(topics);
    }

    private static String text(JsonNode node, String field, String at, List<String> problems) {
        String value = node.path(field).asText("").trim();
        if (value.isEmpty()) {
            problems.add(at + "." + field + " is missing");
        }
        return value;
    }

    List<Topic> all() {
        return topics;
    }

    /** The topic a Subscription's criteria names; a {@code |version} suffix is ignored. */
    Optional<Topic> find(String canonical) {
        int bar = canonical.indexOf('|');
        String url = bar < 0 ? canonical : canonical.substring(0, bar);
        return topics.stream().filter(t -> t.url().equals(url)).findFirst();
    }

    Topic require(String url) {
        return find(url).orElseThrow(() -> new IllegalArgumentException("unknown subscription topic " + url));
    }
}
