package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import java.time.Instant;
import java.util.Date;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.overturn.fixtures.Scenarios;

/**
 * The CDS client's JWT (CDS Hooks 2.0): a trusted issuer's signed token addressed to the service is accepted once;
 * expired, unsigned ("alg": "none"), foreign-key, wrong-audience and replayed tokens get 401 and store nothing.
 * Card feedback is stored and can be read back.
 */
public interface CdsTrustContract extends CdsHooksContract {

    default String serviceUrl() {
        return cds() + "/overturn-order-sign";
    }

    default FhirHttp.Response signedHook(String body, String token) {
        return send("POST", serviceUrl(), "application/json", body, "Authorization", "Bearer " + token);
    }

    default int storedAssessments() {
        return get("CoverageEligibilityResponse?_summary=count").json().path("total").asInt();
    }

    @Test
    default void hookWhenSignedByATrustedClientWithEs384OrRs384ThenAnswered() {
        String body = hookRequest(Scenarios.ALECTINIB_CA, "order-sign");
        assertThat(signedHook(body, CdsTestClient.token(serviceUrl(), c -> {})).status()).isEqualTo(200);
        String rs384 = CdsTestClient.sign(CdsTestClient.RS384, JWSAlgorithm.RS384, serviceUrl(), c -> {});
        assertThat(signedHook(body, rs384).status()).isEqualTo(200);
    }

    /** CDS Hooks 2.0: a client may publish its keys at a URL (jwks_uri), which the service fetches. */
    @Test
    default void hookWhenSignedByAClientThatPublishesItsKeysAtAUrlThenAnsweredAndAnotherIssuersKeyIsNot() {
        String body = hookRequest(Scenarios.ALECTINIB_CA, "order-sign", "jwks-" + unique() + "-");
        String published = CdsTestClient.sign(CdsTestClient.PUBLISHED, JWSAlgorithm.ES384, serviceUrl(),
                c -> c.issuer(CdsTestClient.PUBLISHING_ISSUER));
        FhirHttp.Response r = signedHook(body, published);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("cards").size()).isPositive();
        // The published key speaks for its own issuer only.
        String misattributed = CdsTestClient.sign(CdsTestClient.PUBLISHED, JWSAlgorithm.ES384, serviceUrl(), c -> {});
        assertThat(signedHook(body, misattributed).status()).isEqualTo(401);
    }

    @Test
    default void hookWhenTokenIsBadThen401AndNothingStored() {
        String body = hookRequest(Scenarios.ALECTINIB_CA, "order-sign", "trust-" + unique() + "-");
        int before = storedAssessments();
        String url = serviceUrl();
        String expired = CdsTestClient.token(url, c -> c.issueTime(Date.from(Instant.now().minusSeconds(900)))
                .expirationTime(Date.from(Instant.now().minusSeconds(600))));
        String wrongAudience = CdsTestClient.token("https://elsewhere.example/cds-services/overturn-order-sign", c -> {});
        String unknownIssuer = CdsTestClient.token(url, c -> c.issuer("https://stranger.example"));
        String foreignKey = CdsTestClient.sign(CdsTestClient.STRANGER, JWSAlgorithm.ES384, url, c -> {});
        String noJti = CdsTestClient.token(url, c -> c.jwtID(null));
        String tooLong = CdsTestClient.token(url, c -> c.expirationTime(Date.from(Instant.now().plusSeconds(86_400))));
        String signed = CdsTestClient.token(url, c -> {});
        String[] parts = signed.split("\\.");
        String algNone = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes())
                + "." + parts[1] + ".";

        for (String[] c : new String[][] {
                {expired, "expired"}, {wrongAudience, "aud"}, {unknownIssuer, "not a trusted"}, {foreignKey, "does not verify"},
                {noJti, "jti"}, {tooLong, "longer than"}, {algNone, "not signed"}, {"not-a-jwt", "not a JWT"}}) {
            FhirHttp.Response r = signedHook(body, c[0]);
            assertThat(r.status()).as(c[1] + ": " + r.body()).isEqualTo(401);
            assertThat(r.json().path("error").asText()).isEqualTo("unauthorized");
            assertThat(r.json().path("message").asText()).contains(c[1]);
        }
        assertThat(storedAssessments()).isEqualTo(before);
        // The service keeps answering good calls after the bad ones.
        assertThat(signedHook(body, CdsTestClient.token(url, c -> {})).status()).isEqualTo(200);
    }

    @Test
    default void hookWhenTokenIsNotYetValidThen401() {
        String body = hookRequest(Scenarios.ALECTINIB_CA, "order-sign", "nbf-" + unique() + "-");
        String early = CdsTestClient.token(serviceUrl(), c -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(600))));
        FhirHttp.Response r = signedHook(body, early);
        assertThat(r.status()).as(r.body()).isEqualTo(401);
        assertThat(r.json().path("message").asText()).contains("nbf");
    }

    @Test
    default void hookWhenTokenIsBadThenRefusedBeforeTheBodyIsRead() {
        FhirHttp.Response r = signedHook("{\"hook\": [[[ not json", "not-a-jwt");
        assertThat(r.status()).as("the token is judged first: " + r.body()).isEqualTo(401);
        assertThat(r.json().path("error").asText()).isEqualTo("unauthorized");
    }

    @Test
    default void hookWhenTheSameTokenIsSentTwiceThenTheReplayIsRefused() {
        String body = hookRequest(Scenarios.ALECTINIB_CA, "order-sign");
        String token = CdsTestClient.token(serviceUrl(), c -> {});
        assertThat(signedHook(body, token).status()).isEqualTo(200);
        FhirHttp.Response replay = signedHook(body, token);
        assertThat(replay.status()).isEqualTo(401);
        assertThat(replay.json().path("message").asText()).contains("already used");
    }

    @Test
    default void feedbackWhenPostedThenStoredAndListedForItsCard() {
        String card = "card-" + unique();
        String feedback = "{\"feedback\":[{\"card\":\"" + card + "\",\"outcome\":\"overridden\",\"overrideReason\":{\"userComment\":\"PA already on file\"},"
                + "\"outcomeTimestamp\":\"2026-11-30T10:15:00Z\"}]}";
        FhirHttp.Response posted = send("POST", serviceUrl() + "/feedback", "application/json", feedback);
        assertThat(posted.status()).as(posted.body()).isEqualTo(200);
        JsonNode listed = get(serviceUrl() + "/feedback?card=" + card).json().path("feedback");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("outcome").asText()).isEqualTo("overridden");
        assertThat(listed.get(0).path("overrideReason").path("userComment").asText()).isEqualTo("PA already on file");
        assertThat(listed.get(0).path("client").asText()).isEqualTo("unsigned");

        String bad = "{\"feedback\":[{\"card\":\"" + card + "\",\"outcome\":\"accepted\",\"outcomeTimestamp\":\"2026-11-30T10:15:00Z\"},"
                + "{\"card\":\"" + card + "\",\"outcome\":\"ignored\",\"outcomeTimestamp\":\"2026-11-30T10:15:00Z\"}]}";
        FhirHttp.Response refused = send("POST", serviceUrl() + "/feedback", "application/json", bad);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("message").asText()).contains("feedback[1].outcome");
        assertThat(get(serviceUrl() + "/feedback?card=" + card).json().path("feedback")).as("nothing half-stored").hasSize(1);
    }

    @Test
    default void hookWhenBodyIsOversizedThen413() {
        String huge = "{\"hook\":\"order-sign\",\"hookInstance\":\"x\",\"context\":{\"patientId\":\"p\",\"pad\":\""
                + "x".repeat(1_100_000) + "\"}}";
        FhirHttp.Response r = hook("overturn-order-sign", huge);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().path("error").asText()).isEqualTo("payload-too-large");
    }

    @Test
    default void hookWhenContentTypeIsNotJsonThen415InTheCdsErrorForm() {
        FhirHttp.Response r = send("POST", serviceUrl(), "text/plain", "{}");
        assertThat(r.status()).isEqualTo(415);
        assertThat(r.json().path("error").asText()).isEqualTo("unsupported-media-type");
        assertThat(r.json().path("message").asText()).contains("application/json");
        FhirHttp.Response none = send("POST", serviceUrl(), null, "{}");
        assertThat(none.status()).isEqualTo(415);
    }
}
