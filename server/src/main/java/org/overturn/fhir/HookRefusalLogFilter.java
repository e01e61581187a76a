package org.overturn.fhir;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.jspecify.annotations.Nullable;
import org.overturn.platform.OverturnException;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * HAPI logs every exception an interceptor hook throws at ERROR, with its stack trace, before it rethrows it
 * (BaseInterceptorService, whatever the exception's type). The edge's refusals ({@link AccessInterceptor}: 403 for
 * scopes, 404 for what the caller may not know) are answers, not failures: the access log's one INFO line with their
 * status, and their AuditEvent, record them. This drops HAPI's line for exceptions that answer below 500 and leaves
 * every other one, so a hook that fails still logs.
 */
final class HookRefusalLogFilter extends TurboFilter {
    static final String HOOK_LOGGER = "ca.uhn.fhir.interceptor.executor.BaseInterceptorService";

    @Override
    public FilterReply decide(@Nullable Marker marker, @Nullable Logger logger, @Nullable Level level,
            @Nullable String format, @Nullable Object @Nullable [] params, @Nullable Throwable thrown) {
        if (level != Level.ERROR || logger == null || !HOOK_LOGGER.equals(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        // HAPI passes the exception as the last argument of its message, so logback hands it over among the params.
        Throwable exception = thrown;
        if (exception == null && params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last) {
            exception = last;
        }
        return exception != null && refusal(exception) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }

    /** Whether the exception is answered with a status below 500: a refusal or a client's error, not the server's. */
    static boolean refusal(Throwable exception) {
        if (exception instanceof OverturnException e) {
            return e.code().httpStatus() < 500;
        }
        return exception instanceof BaseServerResponseException e && e.getStatusCode() < 500;
    }

    /**
     * Adds the filter to logback once. Spring Boot's logging set-up resets logback for each application context it
     * starts, so each context's FHIR server installs it again.
     */
    static void install() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
                && context.getTurboFilterList().stream().noneMatch(HookRefusalLogFilter.class::isInstance)) {
            HookRefusalLogFilter filter = new HookRefusalLogFilter();
            filter.setName("hook-refusals");
            filter.setContext(context);
            filter.start();
            context.addTurboFilter(filter);
        }
    }
}
