package org.overturn.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import org.junit.jupiter.api.Test;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;

/** HAPI's ERROR line for an exception a hook throws is dropped for refusals only, never for failures. */
class HookRefusalLogFilterTest {
    private final LoggerContext context = new LoggerContext();
    private final Logger hooks = context.getLogger(HookRefusalLogFilter.HOOK_LOGGER);
    private final HookRefusalLogFilter filter = new HookRefusalLogFilter();

    @Test
    void refusalWhenAHookThrowsItThenHapisErrorLineIsDropped() {
        for (Throwable refusal : new Throwable[] {new OverturnException(ErrorCode.INSUFFICIENT_SCOPE, "no"),
                new OverturnException(ErrorCode.NOT_FOUND, "not known"), new ForbiddenOperationException("no")}) {
            assertThat(decide(hooks, refusal)).as(refusal.toString()).isEqualTo(FilterReply.DENY);
        }
    }

    @Test
    void failureWhenAHookThrowsItThenHapisErrorLineStays() {
        for (Throwable failure : new Throwable[] {new IllegalStateException("bug"), new InternalErrorException("bug"),
                new OverturnException(ErrorCode.INTERNAL, "bug")}) {
            assertThat(decide(hooks, failure)).as(failure.toString()).isEqualTo(FilterReply.NEUTRAL);
        }
    }

    @Test
    void otherLoggerWhenItLogsARefusalThenLeftAlone() {
        Logger other = context.getLogger("org.overturn.somewhere");
        assertThat(decide(other, new OverturnException(ErrorCode.INSUFFICIENT_SCOPE, "no"))).isEqualTo(FilterReply.NEUTRAL);
    }

    private FilterReply decide(Logger logger, Throwable exception) {
        // As HAPI logs it: "Exception thrown by interceptor for pointcut {}: {}", pointcut, text, exception.
        return filter.decide(null, logger, Level.ERROR, "Exception thrown by interceptor for pointcut {}: {}",
                new Object[] {"SERVER_INCOMING_REQUEST_PRE_HANDLED", exception.toString(), exception}, null);
    }
}
