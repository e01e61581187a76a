package org.overturn.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/** Answers as Spring Security's default resolver, the reference, for every header tried. */
class BearerTokenHeaderTest {
    private final BearerTokenResolver reference = new DefaultBearerTokenResolver();
    private final BearerTokenResolver resolver = new BearerTokenHeader();

    @Test
    void headerWhenWellFormedOrNotThenSameAnswerAsTheDefaultResolver() {
        List<String> headers = new ArrayList<>(List.of(
                "Bearer abc.DEF-123_~+/", "bearer abc", "BEARER abc==", "Bearer abc=", "Bearer abc=d", "Bearer =",
                "Bearer ", "Bearer", "Bearer  abc", "Bearer abc ", "Bearer a b", "Basic dXNlcjpwYXNz", "Bearerabc",
                "Bearer\tabc", "Bearer abc\n", "Bearer ab%63", "Bearer abc==x", "Bearer é", "", " Bearer abc",
                "Bearer eyJhbGciOiJSUzM4NCJ9.eyJzdWIiOiJ4In0.c2ln"));
        Random random = new Random(20261206);
        String alphabet = "aZ09-._~+/= \t%\"é,";
        for (int n = 0; n < 5_000; n++) {
            StringBuilder s = new StringBuilder(random.nextBoolean() ? "Bearer " : "bEaReR");
            int length = random.nextInt(8);
            for (int i = 0; i < length; i++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            headers.add(s.toString());
        }
        int tokens = 0;
        int malformed = 0;
        for (String header : headers) {
            MockHttpServletRequest request = new MockHttpServletRequest("GET", "/fhir/Observation");
            request.addHeader("Authorization", header);
            String expected = answer(reference, request);
            assertThat(answer(resolver, request)).as(header).isEqualTo(expected);
            tokens += expected.startsWith("token ") ? 1 : 0;
            malformed += expected.contains("malformed") ? 1 : 0;
        }
        assertThat(tokens).isGreaterThan(100);
        assertThat(malformed).isGreaterThan(100);
    }

    @Test
    void requestWhenNoHeaderOrTokenAlsoInTheQueryThenAsTheDefaultResolver() {
        MockHttpServletRequest none = new MockHttpServletRequest("GET", "/fhir/Observation");
        assertThat(answer(resolver, none)).isEqualTo(answer(reference, none)).isEqualTo("none");

        MockHttpServletRequest queryOnly = new MockHttpServletRequest("GET", "/fhir/Observation");
        queryOnly.addParameter("access_token", "abc");
        assertThat(answer(resolver, queryOnly)).isEqualTo(answer(reference, queryOnly)).isEqualTo("none");

        MockHttpServletRequest both = new MockHttpServletRequest("GET", "/fhir/Observation");
        both.addHeader("Authorization", "Bearer abc");
        both.addParameter("access_token", "abc");
        assertThat(answer(resolver, both)).isEqualTo(answer(reference, both)).isEqualTo("token abc");
    }

    private static String answer(BearerTokenResolver resolver, MockHttpServletRequest request) {
        try {
            String token = resolver.resolve(request);
            return token == null ? "none" : "token " + token;
        } catch (OAuth2AuthenticationException e) {
            return "refused " + e.getError().getErrorCode() + " " + e.getError().getDescription();
        }
    }
}
