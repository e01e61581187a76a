package org.overturn.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Request timing and request ids as the filter in front of HAPI makes them. */
class FhirRequestFilterTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final FhirRequestFilter filter =
            new FhirRequestFilter(FhirContext.forR4Cached(), 1_000_000, meters, new ClientConcurrency(8));

    private MockHttpServletResponse send(String method, String uri) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(method, uri);
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response;
    }

    private long count(String type, String method, String status) {
        Timer timer = meters.find("overturn.fhir.requests").tags("type", type, "method", method, "status", status).timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void requestsWhenRepeatedThenCountedOnTheTimerOfTheirTypeMethodAndStatus() throws Exception {
        send("GET", "/fhir/Patient/1");
        send("GET", "/fhir/Patient/2/_history/1");
        send("GET", "/fhir/Observation?code=x");
        send("GET", "/fhir/metadata");
        send("GET", "/fhir/");
        send("GET", "/fhir//");

        assertThat(count("Patient", "GET", "200")).isEqualTo(2);
        assertThat(count("Observation", "GET", "200")).isEqualTo(1);
        assertThat(count("metadata", "GET", "200")).isEqualTo(1);
        assertThat(count("system", "GET", "200")).isEqualTo(2);
    }

    @Test
    void emptyPathSegmentsWhenWrittenToThenPassedOnRatherThanFailingInTheFilter() throws Exception {
        // "/fhir//" leaves no segment once split: the filter read the first one regardless and failed with a 500.
        assertThat(send("PUT", "/fhir//").getStatus()).isEqualTo(200); // the chain's own answer (HAPI's in the server)
        assertThat(send("DELETE", "/fhir//").getStatus()).isEqualTo(200);
        assertThat(count("system", "PUT", "200")).isEqualTo(1);
    }

    @Test
    void madeUpMethodsWhenRefusedThenShareOneTimerRatherThanOneEach() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(send("METHOD" + i, "/fhir/Patient").getStatus()).isEqualTo(405);
        }
        assertThat(send("PATCH", "/fhir/Patient/1").getStatus()).isEqualTo(405);

        assertThat(count("Patient", "other", "405")).isEqualTo(20);
        assertThat(count("Patient", "PATCH", "405")).isEqualTo(1);
        assertThat(meters.find("overturn.fhir.requests").timers()).hasSize(2);
    }

    @Test
    void requestIdWhenNotSentThenANewRandomUuidEachTime() throws Exception {
        String first = send("GET", "/fhir/Patient/1").getHeader(RequestIds.HEADER);
        String second = send("GET", "/fhir/Patient/1").getHeader(RequestIds.HEADER);

        assertThat(first).isNotEqualTo(second);
        for (String id : new String[] {first, second}) {
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.toString()).isEqualTo(id);
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
        }
    }

    @Test
    void requestIdWhenHapiAsksForItThenTheOneInTheHeaderAndTheLog() throws Exception {
        String[] seenByHapi = new String[1];
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(new MockHttpServletRequest("GET", "/fhir/Patient/1"), response, new MockFilterChain(
                new jakarta.servlet.http.HttpServlet() {
                    @Override
                    protected void doGet(jakarta.servlet.http.HttpServletRequest request,
                            jakarta.servlet.http.HttpServletResponse answer) {
                        seenByHapi[0] = ca.uhn.fhir.rest.server.ServletRequestTracing.getOrGenerateRequestId(request);
                    }
                }));

        assertThat(seenByHapi[0]).isEqualTo(response.getHeader(RequestIds.HEADER));
    }

    @Test
    void requestIdWhenSaneThenKeptElseReplaced() {
        assertThat(RequestIds.accept("abc-123.x:y_z")).isEqualTo("abc-123.x:y_z");
        assertThat(RequestIds.accept("bad value")).isNotEqualTo("bad value").hasSize(36);
        assertThat(RequestIds.accept("a".repeat(65))).hasSize(36);
        assertThat(RequestIds.accept(null)).hasSize(36);
    }
}
