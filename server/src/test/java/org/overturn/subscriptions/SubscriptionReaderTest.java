package org.overturn.subscriptions;

import org.overturn.workflow.AppealProfiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.junit.jupiter.api.Test;
import org.overturn.profiles.PasProfiles;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.HostAllowList;
import org.overturn.platform.OverturnException;

class SubscriptionReaderTest {
    private final SubscriptionReader reader = new SubscriptionReader(TopicCatalog.load(),
            new HostAllowList(List.of("*"), false, "endpoint", "overturn.subscriptions.allowed-hosts"), Duration.ofSeconds(60));

    /** A PAS Subscription as the IG shows it: topic, org-identifier filter, rest-hook, full-resource, a bearer header. */
    static Subscription pas() {
        Subscription s = new Subscription();
        s.setStatus(Subscription.SubscriptionStatus.REQUESTED).setReason("PAS pended updates");
        s.setCriteria(PasProfiles.SUBSCRIPTION_TOPIC);
        s.getCriteriaElement().addExtension(BackportProfiles.FILTER_CRITERIA, new StringType("org-identifier=1234567893"));
        Subscription.SubscriptionChannelComponent channel = s.getChannel();
        channel.setType(Subscription.SubscriptionChannelType.RESTHOOK).setEndpoint("https://ehr.clinic.example/notify");
        channel.setPayload("application/fhir+json");
        channel.getPayloadElement().addExtension(BackportProfiles.PAYLOAD_CONTENT, new CodeType("full-resource"));
        channel.addHeader("Authorization: Bearer abc.def");
        channel.addExtension(BackportProfiles.HEARTBEAT_PERIOD, new UnsignedIntType(120));
        return s;
    }

    private String problem(Subscription s) {
        try {
            reader.read(s);
        } catch (OverturnException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.BUSINESS_RULE);
            return e.getMessage();
        }
        throw new AssertionError("accepted");
    }

    @Test
    void readWhenPasSubscriptionThenTopicFilterChannelAndHeadersAsGiven() {
        BackportSubscription read = reader.read(pas());
        assertThat(read.topic().url()).isEqualTo(PasProfiles.SUBSCRIPTION_TOPIC);
        assertThat(read.filters()).containsExactly(new BackportSubscription.Criterion("org-identifier", List.of("1234567893")));
        assertThat(read.endpoint()).hasToString("https://ehr.clinic.example/notify");
        assertThat(read.headers()).containsExactly(new BackportSubscription.Header("Authorization", "Bearer abc.def"));
        assertThat(read.content()).isEqualTo("full-resource");
        assertThat(read.heartbeatSeconds()).isEqualTo(120);
    }

    @Test
    void readWhenFilterHasTypePrefixSeveralValuesAndVersionedTopicThenAccepted() {
        Subscription s = pas();
        s.setCriteria(PasProfiles.SUBSCRIPTION_TOPIC + "|2.2.1");
        s.getCriteriaElement().getExtension().clear();
        s.getCriteriaElement().addExtension(BackportProfiles.FILTER_CRITERIA,
                new StringType("ClaimResponse?org-identifier=http://hl7.org/fhir/sid/us-npi|N123456,4543315"));
        assertThat(reader.read(s).filters().get(0).values()).containsExactly("http://hl7.org/fhir/sid/us-npi|N123456", "4543315");
    }

    @Test
    void readWhenWebsocketThenOnlyRestHookIsSupported() {
        Subscription s = pas();
        s.getChannel().setType(Subscription.SubscriptionChannelType.WEBSOCKET);
        assertThat(problem(s)).contains("Subscription.channel.type: only rest-hook is supported (not websocket)");
    }

    @Test
    void readWhenCustomChannelThenOnlyRestHookIsSupported() {
        Subscription s = pas();
        s.getChannel().getTypeElement().addExtension(BackportProfiles.CHANNEL_TYPE, new Coding("http://example.org/ch", "zulip", null));
        assertThat(problem(s)).contains("only rest-hook is supported (not a custom channel)");
    }

    @Test
    void readWhenUnknownTopicOrClassicCriteriaThenTheSupportedTopicsAreNamed() {
        Subscription s = pas();
        s.setCriteria("Observation?code=http://loinc.org|1234-5");
        assertThat(problem(s)).contains("Subscription.criteria").contains(PasProfiles.SUBSCRIPTION_TOPIC)
                .contains(AppealProfiles.REMINDER_TOPIC).contains("only topic-based subscriptions");
    }

    @Test
    void readWhenFilterUnknownMissingOrOfAnotherTypeThenEachIsReported() {
        Subscription s = pas();
        s.getCriteriaElement().getExtension().clear();
        s.getCriteriaElement().addExtension(BackportProfiles.FILTER_CRITERIA, new StringType("patient=Patient/1"));
        s.getCriteriaElement().addExtension(BackportProfiles.FILTER_CRITERIA, new StringType("Encounter?org-identifier=1"));
        assertThat(problem(s)).contains("'patient' is not a filter of the topic").contains("names Encounter")
                .contains("needs a filter org-identifier=<value>");
    }

    @Test
    void readWhenEndpointPlainHttpLoopbackOrMissingThenRefused() {
        Subscription s = pas();
        s.getChannel().setEndpoint("http://ehr.clinic.example/notify");
        assertThat(problem(s)).contains("plain http");
        s.getChannel().setEndpoint("https://127.0.0.1:8443/notify");
        assertThat(problem(s)).contains("not on the allow-list (overturn.subscriptions.allowed-hosts)");
        s.getChannel().setEndpoint(null);
        assertThat(problem(s)).contains("Subscription.channel.endpoint: is required");
    }

    @Test
    void readWhenPayloadContentMissingOrHeaderMalformedOrHeartbeatTooShortThenAllListed() {
        Subscription s = pas();
        s.getChannel().getPayloadElement().getExtension().clear();
        s.getChannel().getHeader().clear();
        s.getChannel().addHeader("Bearer abc");
        s.getChannel().addHeader("Content-Type: text/plain");
        s.getChannel().getExtension().clear();
        s.getChannel().addExtension(BackportProfiles.HEARTBEAT_PERIOD, new UnsignedIntType(5));
        assertThat(problem(s)).contains(BackportProfiles.PAYLOAD_CONTENT).contains("'Name: value'")
                .contains("'Content-Type' is set by the server").contains("at least 60 seconds (not 5)");
    }

    @Test
    void readWhenReminderTopicWithoutFiltersThenRefusedAndWithOneAccepted() {
        Subscription s = pas();
        s.setCriteria(AppealProfiles.REMINDER_TOPIC);
        s.getCriteriaElement().getExtension().clear();
        assertThat(problem(s)).contains("spans every patient").contains("patient, recipient");
        s.getCriteriaElement().addExtension(BackportProfiles.FILTER_CRITERIA, new StringType("recipient=Practitioner/p1"));
        assertThat(reader.read(s).filters()).containsExactly(
                new BackportSubscription.Criterion("recipient", List.of("Practitioner/p1")));
    }

    @Test
    void topicsWhenFullResourceTypesMissingOrAnyFilterWithoutFiltersThenTheFileIsRefused() {
        String yaml = """
                topics:
                  - url: http://x.example/SubscriptionTopic/t
                    title: t
                    source: s
                    resource: Task
                    description: d
                    fullResource: f
                    anyFilterRequired: true
                """;
        assertThatThrownBy(() -> TopicCatalog.read(new java.io.ByteArrayInputStream(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .hasMessageContaining("fullResourceTypes is missing")
                .hasMessageContaining("anyFilterRequired is set but the topic has no filters");
    }

    @Test
    void topicsWhenLoadedThenEveryPublishedTopicIsListed() {
        TopicCatalog catalog = TopicCatalog.load();
        assertThat(catalog.find(PasProfiles.SUBSCRIPTION_TOPIC)).isPresent();
        assertThat(catalog.find(PasProfiles.SUBSCRIPTION_TOPIC).get().filter(PasProfiles.TOPIC_FILTER_ORG)).isPresent();
        assertThat(catalog.find(AppealProfiles.REMINDER_TOPIC).map(Topic::resource)).contains("Communication");
    }

    @Test
    void topicsWhenFileBrokenThenEveryProblemIsReported() {
        String broken = """
                topics:
                  - url: not-absolute
                    resource: claimResponse
                    filters:
                      - { name: Org, type: string }
                """;
        assertThatThrownBy(() -> TopicCatalog.read(new java.io.ByteArrayInputStream(broken.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .hasMessageContaining("topics[0].url 'not-absolute'").hasMessageContaining("is not a resource type name")
                .hasMessageContaining("'Org' is not a unique lower-case name").hasMessageContaining("must be token or reference")
                .hasMessageContaining("topics[0].title is missing");
    }
}
