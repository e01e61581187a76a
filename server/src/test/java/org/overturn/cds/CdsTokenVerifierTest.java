package org.overturn.cds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.overturn.platform.OverturnException;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** Outside development mode an unsigned call is refused; the signed paths are covered over HTTP by CdsTrustContract. */
class CdsTokenVerifierTest {

    private static CdsProperties properties(boolean developmentMode, List<CdsProperties.Client> clients) {
        return new CdsProperties(developmentMode, null, null, clients, Duration.ofSeconds(60), Duration.ofHours(1),
                DataSize.ofMegabytes(10), new CdsProperties.Ehr(List.of(), Duration.ofSeconds(2), Duration.ofSeconds(3),
                        Duration.ofSeconds(60), DataSize.ofMegabytes(5), 5));
    }

    /** Remembers token ids in memory, standing in for the database table. */
    private static final class InMemoryReplays extends TokenReplayCache {
        private final Set<String> seen = new HashSet<>();

        InMemoryReplays() {
            super(null, Clock.systemUTC());
        }

        @Override
        boolean firstUse(String issuer, String jti, Instant expiresAt) {
            return seen.add(issuer + " " + jti);
        }
    }

    @Test
    void unsignedCallIsRefusedOutsideDevelopmentModeAndAcceptedInIt() {
        CdsTokenVerifier production = new CdsTokenVerifier(properties(false, List.of()), new InMemoryReplays(), Clock.systemUTC());
        assertThatThrownBy(() -> production.verify(null, List.of("https://overturn.example/cds-services/x")))
                .isInstanceOf(OverturnException.class)
                .hasMessageContaining("development mode")
                .extracting(e -> ((OverturnException) e).code().httpStatus()).isEqualTo(401);

        CdsTokenVerifier development = new CdsTokenVerifier(properties(true, List.of()), new InMemoryReplays(), Clock.systemUTC());
        assertThat(development.verify(null, List.of("https://overturn.example/cds-services/x")).client()).isEqualTo("unsigned");
    }

    @Test
    void aClientWithoutKeysIsAStartupErrorNamingIt() {
        List<CdsProperties.Client> clients = List.of(new CdsProperties.Client("https://ehr.example", null, null));
        assertThatThrownBy(() -> new CdsTokenVerifier(properties(false, clients), new InMemoryReplays(), Clock.systemUTC()))
                .hasMessageContaining("https://ehr.example").hasMessageContaining("jwks");
    }
}
