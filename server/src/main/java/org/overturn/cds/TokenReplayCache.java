package org.overturn.cds;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Remembers each token's (issuer, jti) until it expires, in the shared database, so that a replayed token is refused
 * by every server instance.
 */
class TokenReplayCache {
    private final JdbcTemplate jdbc;
    private final Clock clock;

    TokenReplayCache(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** True the first time this (issuer, jti) is seen; false for a replay. */
    boolean firstUse(String issuer, String jti, Instant expiresAt) {
        return jdbc.update("insert into cds_token_use (issuer, jti, expires_at) values (?, ?, ?) on conflict do nothing",
                issuer, jti, Timestamp.from(expiresAt)) == 1;
    }

    /** Expired entries can no longer be replayed (exp is checked first), so they go; safe on several instances. */
    @Scheduled(fixedDelayString = "PT1M", initialDelayString = "PT1M")
    void forgetExpired() {
        jdbc.update("delete from cds_token_use where expires_at < ?", Timestamp.from(clock.instant().minusSeconds(300)));
    }
}
