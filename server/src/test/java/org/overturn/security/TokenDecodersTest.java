package org.overturn.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;

class TokenDecodersTest {

    @Test
    void verifiedOnceWhenSameTokenAgainThenSignatureNotCheckedAgainButClaimsAre() {
        AtomicInteger decoded = new AtomicInteger();
        Instant exp = Instant.now().plusSeconds(30);
        JwtDecoder decoder = token -> {
            decoded.incrementAndGet();
            if (token.equals("forged")) {
                throw new BadJwtException("bad signature");
            }
            return jwt(token, exp);
        };
        var validator = TokenDecoders.validator("https://iss.test", "https://fhir.test/fhir", Duration.ZERO);
        JwtDecoder cached = TokenDecoders.verifiedOnce(decoder, validator);

        assertThat(cached.decode("t1").getSubject()).isEqualTo("s");
        assertThat(cached.decode("t1").getSubject()).isEqualTo("s");
        assertThat(decoded).hasValue(1);
        // A refused token is never remembered: each attempt is checked.
        assertThatThrownBy(() -> cached.decode("forged")).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> cached.decode("forged")).isInstanceOf(BadJwtException.class);
        assertThat(decoded).hasValue(3);
    }

    @Test
    void verifiedOnceWhenRememberedTokenExpiresThenRefused() {
        Instant exp = Instant.now().plusMillis(300);
        JwtDecoder decoder = token -> jwt(token, exp);
        var validator = TokenDecoders.validator("https://iss.test", "https://fhir.test/fhir", Duration.ZERO);
        JwtDecoder cached = TokenDecoders.verifiedOnce(decoder, validator);
        assertThat(cached.decode("t2")).isNotNull();
        await(exp.plusMillis(50));
        assertThatThrownBy(() -> cached.decode("t2")).isInstanceOf(JwtValidationException.class);
    }

    private static Jwt jwt(String token, Instant exp) {
        return Jwt.withTokenValue(token)
                .header("alg", "RS256")
                .issuer("https://iss.test")
                .subject("s")
                .audience(List.of("https://fhir.test/fhir"))
                .issuedAt(exp.minusSeconds(60))
                .expiresAt(exp)
                .build();
    }

    private static void await(Instant when) {
        while (Instant.now().isBefore(when)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
