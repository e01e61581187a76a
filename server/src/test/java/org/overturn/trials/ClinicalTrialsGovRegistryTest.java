package org.overturn.trials;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** The ClinicalTrials.gov client against a stand-in registry serving hand-written API v2 answers, and every way it fails. */
class ClinicalTrialsGovRegistryTest {
    private static final WireMockServer REGISTRY = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private static final TrialQuery ZANZALINTINIB = new TrialQuery(List.of("zanzalintinib", "XL092"), null);

    @BeforeAll
    static void start() {
        REGISTRY.start();
    }

    @AfterAll
    static void stop() {
        REGISTRY.stop();
    }

    @BeforeEach
    void reset() {
        REGISTRY.resetAll();
    }

    private static ClinicalTrialsGovRegistry registry(Duration timeout, DataSize maxSize, int maxResults) {
        return new ClinicalTrialsGovRegistry(new TrialsProperties(true, URI.create("http://127.0.0.1:" + REGISTRY.port() + "/api/v2"),
                timeout, maxSize, maxResults), new ObjectMapper(), CLOCK);
    }

    private static ClinicalTrialsGovRegistry registry() {
        return registry(Duration.ofSeconds(5), DataSize.ofMegabytes(2), 10);
    }

    static String fixture(String name) {
        try (InputStream in = ClinicalTrialsGovRegistryTest.class.getResourceAsStream("/trials/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void serve(int status, String body) {
        REGISTRY.stubFor(get(urlPathEqualTo("/api/v2/studies"))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
    }

    @Test
    void searchWhenRegistryAnswersThenStudiesWithStatusPhaseSponsorContactsAndSitesAndTheRequestNamesTheDrug() {
        serve(200, fixture("zanzalintinib-open-studies.json"));
        TrialSearch search = registry().search(ZANZALINTINIB);

        assertThat(search).isInstanceOf(TrialSearch.Found.class);
        TrialSearch.Found found = (TrialSearch.Found) search;
        assertThat(found.trials()).extracting(Trial::nctId).containsExactly("NCT09990001", "NCT09990002");
        assertThat(found.total()).isEqualTo(3);
        assertThat(found.searchedAt()).isEqualTo(CLOCK.instant());
        Trial first = found.trials().get(0);
        assertThat(first.status()).isEqualTo("RECRUITING");
        assertThat(first.phases()).containsExactly("PHASE2", "PHASE3");
        assertThat(first.sponsor()).isEqualTo("Exelixis");
        assertThat(first.contacts()).containsExactly(new Trial.Contact("Synthetic Trial Desk", "555-010-0001", "trials@example.org"));
        assertThat(first.locations()).hasSize(Trial.MAX_LOCATIONS);
        assertThat(first.locationCount()).isEqualTo(6);
        assertThat(first.url()).isEqualTo("https://clinicaltrials.gov/study/NCT09990001");
        Trial access = found.trials().get(1);
        assertThat(access.expandedAccess()).isTrue();
        assertThat(access.phases()).isEmpty();
        assertThat(access.locations()).isEmpty();

        REGISTRY.verify(getRequestedFor(urlPathEqualTo("/api/v2/studies"))
                .withQueryParam("query.intr", equalTo("zanzalintinib OR XL092"))
                .withQueryParam("filter.overallStatus", equalTo("RECRUITING,NOT_YET_RECRUITING,ENROLLING_BY_INVITATION,AVAILABLE"))
                .withQueryParam("fields", equalTo(ClinicalTrialsGovRegistry.FIELDS))
                .withQueryParam("pageSize", equalTo("10"))
                .withQueryParam("countTotal", equalTo("true")));
        assertThat(REGISTRY.getAllServeEvents().get(0).getRequest().queryParameter("query.cond").isPresent()).isFalse();
    }

    @Test
    void searchWhenConditionGivenAndResultsCappedThenTheConditionIsSentAndTheListStopsAtTheCap() {
        serve(200, fixture("zanzalintinib-open-studies.json"));
        TrialSearch.Found found = (TrialSearch.Found) registry(Duration.ofSeconds(5), DataSize.ofMegabytes(2), 1)
                .search(new TrialQuery(List.of("zanzalintinib"), "renal cell carcinoma"));
        assertThat(found.trials()).extracting(Trial::nctId).containsExactly("NCT09990001");
        assertThat(found.total()).isEqualTo(3);
        REGISTRY.verify(getRequestedFor(urlPathEqualTo("/api/v2/studies"))
                .withQueryParam("query.cond", equalTo("renal cell carcinoma"))
                .withQueryParam("pageSize", equalTo("1")));
    }

    @Test
    void searchWhenNothingOpenThenFoundWithNoStudies() {
        serve(200, "{\"totalCount\":0,\"studies\":[]}");
        TrialSearch.Found found = (TrialSearch.Found) registry().search(ZANZALINTINIB);
        assertThat(found.trials()).isEmpty();
        assertThat(found.total()).isZero();
    }

    @Test
    void searchWhenRegistryFailsThenUnavailableWithTheReasonNeverAnException() {
        serve(503, "{\"message\":\"maintenance\"}");
        assertThat(reason(registry().search(ZANZALINTINIB))).isEqualTo("ClinicalTrials.gov: it answered HTTP 503");

        serve(200, "<html>not the API</html>");
        assertThat(reason(registry().search(ZANZALINTINIB))).isEqualTo("ClinicalTrials.gov: its answer was not JSON");

        serve(200, "{\"error\":\"unexpected\"}");
        assertThat(reason(registry().search(ZANZALINTINIB))).contains("not a ClinicalTrials.gov API v2 study list");
    }

    @Test
    void searchWhenAnswerTooLargeThenUnavailable() {
        serve(200, fixture("zanzalintinib-open-studies.json"));
        TrialSearch search = registry(Duration.ofSeconds(5), DataSize.ofBytes(512), 10).search(ZANZALINTINIB);
        assertThat(reason(search)).contains("larger than 512B");
    }

    @Test
    void searchWhenRegistryTooSlowThenUnavailable() {
        REGISTRY.stubFor(get(urlPathEqualTo("/api/v2/studies")).willReturn(aResponse().withStatus(200)
                .withBody(fixture("zanzalintinib-open-studies.json")).withFixedDelay(3_000)));
        TrialSearch search = registry(Duration.ofMillis(300), DataSize.ofMegabytes(2), 10).search(ZANZALINTINIB);
        assertThat(reason(search)).contains("did not answer within 300 ms");
    }

    @Test
    void searchWhenRegistrySendsHeadersThenNeverEndsItsBodyThenUnavailableWithinTheTimeout() {
        // Headers at once, then the body a few bytes a minute: the request timeout of java.net.http alone would not end it.
        REGISTRY.stubFor(get(urlPathEqualTo("/api/v2/studies")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(fixture("zanzalintinib-open-studies.json"))
                .withChunkedDribbleDelay(60, 60_000)));
        TrialSearch search = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> registry(Duration.ofMillis(500), DataSize.ofMegabytes(2), 10).search(ZANZALINTINIB),
                "the search must end at its timeout, not when the registry ends its answer");
        assertThat(reason(search)).isEqualTo("ClinicalTrials.gov: it did not answer within 500 ms");
    }

    @Test
    void searchWhenNothingListensThenUnavailable() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        TrialSearch search = new ClinicalTrialsGovRegistry(new TrialsProperties(true, URI.create("http://127.0.0.1:" + closed + "/api/v2"),
                Duration.ofSeconds(2), DataSize.ofMegabytes(2), 10), new ObjectMapper(), CLOCK).search(ZANZALINTINIB);
        assertThat(reason(search)).contains("could not be reached");
    }

    @Test
    void queryWhenBrowsedThenTheSameSearchOnThePublicSite() {
        assertThat(ZANZALINTINIB.browseUrl()).isEqualTo("https://clinicaltrials.gov/search?intr=zanzalintinib+OR+XL092");
        assertThat(new TrialQuery(List.of("", "XL092", "XL092"), null).interventions()).containsExactly("XL092");
    }

    private static String reason(TrialSearch search) {
        assertThat(search).isInstanceOf(TrialSearch.Unavailable.class);
        return ((TrialSearch.Unavailable) search).reason();
    }
}
