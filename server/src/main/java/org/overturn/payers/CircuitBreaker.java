package org.overturn.payers;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

/**
 * The circuit breaker of one payer on this server instance: closed, it lets every call through and counts consecutive
 * failures; at the threshold it opens and refuses calls for the open duration; then it is half-open and lets one trial
 * call through, whose success closes it and whose failure opens it again. Times come from the caller, so the outbox
 * worker and the tests decide what "now" is.
 */
final class CircuitBreaker {
    private static final Logger log = LoggerFactory.getLogger(CircuitBreaker.class);

    enum State { CLOSED, OPEN, HALF_OPEN }

    private final String payer;
    private final int failureThreshold;
    private final Duration openDuration;
    private State state = State.CLOSED;
    private int failures;
    private @Nullable Instant openedAt;
    private @Nullable Instant trialSince;

    CircuitBreaker(String payer, int failureThreshold, Duration openDuration) {
        this.payer = payer;
        this.failureThreshold = failureThreshold;
        this.openDuration = openDuration;
    }

    /** Whether a call may go out now; in half-open state only one (the trial) until its result is known. */
    synchronized boolean tryAcquire(Instant now) {
        if (state == State.OPEN && !now.isBefore(reopensAt())) {
            state = State.HALF_OPEN;
            trialSince = null;
        }
        return switch (state) {
            case CLOSED -> true;
            case OPEN -> false;
            case HALF_OPEN -> {
                // A trial whose result never came (its caller died) does not block the payer forever.
                if (trialSince == null || !now.isBefore(trialSince.plus(openDuration))) {
                    trialSince = now;
                    yield true;
                }
                yield false;
            }
        };
    }

    /** When a refused call may be tried again: the end of the open period, or soon while a trial is running. */
    synchronized Instant retryAt(Instant now, Duration soon) {
        return state == State.OPEN ? reopensAt() : now.plus(soon);
    }

    private Instant reopensAt() {
        return Objects.requireNonNull(openedAt, "set whenever the breaker opens").plus(openDuration);
    }

    synchronized void succeeded() {
        if (state != State.CLOSED) {
            log.info("Circuit breaker of payer {} closed: a trial call succeeded", payer);
        }
        state = State.CLOSED;
        failures = 0;
        trialSince = null;
    }

    synchronized void failed(Instant now, String reason) {
        failures++;
        if (state == State.HALF_OPEN || (state == State.CLOSED && failures >= failureThreshold)) {
            log.warn("Circuit breaker of payer {} opened for {} after {} consecutive failed calls (last: {})",
                    payer, openDuration, failures, reason);
            state = State.OPEN;
            openedAt = now;
            trialSince = null;
        }
    }

    synchronized State state() {
        return state;
    }
}
