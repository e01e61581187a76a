package org.overturn.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class SecurityHeadersFilterTest {

    private static MockHttpServletResponse run(SecurityHeadersFilter filter, String path, String remote) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        request.setRequestURI(path);
        request.setRemoteAddr(remote);
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, response, chain);
        if (chain.getRequest() == null) {
            response.setHeader("X-Chain", "stopped");
        }
        return response;
    }

    @Test
    void apiAnswersAreNeitherSniffedNorFramedNorStored() throws Exception {
        MockHttpServletResponse fhir = run(new SecurityHeadersFilter(false), "/fhir/Patient/1", "127.0.0.1");
        assertThat(fhir.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(fhir.getHeader("X-Frame-Options")).isEqualTo("DENY");
        assertThat(fhir.getHeader("Cache-Control")).isEqualTo("no-store");
        assertThat(fhir.getHeader("Referrer-Policy")).isEqualTo("no-referrer");
        // The SMART app is framed by EHRs: it may be embedded, but never sniffed.
        MockHttpServletResponse app = run(new SecurityHeadersFilter(false), "/app/index.html", "127.0.0.1");
        assertThat(app.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(app.getHeader("X-Frame-Options")).isNull();
    }

    @Test
    void metricsAnswerOnlyLoopbackCallersUnlessOpened() throws Exception {
        assertThat(run(new SecurityHeadersFilter(false), "/actuator/prometheus", "10.1.2.3").getStatus()).isEqualTo(404);
        assertThat(run(new SecurityHeadersFilter(false), "/actuator/prometheus", "10.1.2.3").getHeader("X-Chain"))
                .isEqualTo("stopped");
        assertThat(run(new SecurityHeadersFilter(false), "/actuator/prometheus", "127.0.0.1").getStatus()).isEqualTo(200);
        assertThat(run(new SecurityHeadersFilter(false), "/actuator/prometheus", "::1").getStatus()).isEqualTo(200);
        assertThat(run(new SecurityHeadersFilter(true), "/actuator/prometheus", "10.1.2.3").getStatus()).isEqualTo(200);
        assertThat(run(new SecurityHeadersFilter(false), "/actuator/health/readiness", "10.1.2.3").getStatus()).isEqualTo(200);
    }
}
