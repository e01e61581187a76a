package org.overturn.fhir;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.overturn.platform.RequiredElements;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.platform.Outcomes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.jspecify.annotations.Nullable;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * The one place where a failure becomes an HTTP status and an OperationOutcome. Unknown failures become a bland 500
 * that names the request id; their details go to the log only.
 */
final class ErrorMapper {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

    /** PostgreSQL states of a write that lost to a concurrent one: lock timeout, serialization, deadlock, unique key. */
    private static final java.util.Set<String> CONFLICT_STATES = java.util.Set.of("55P03", "40001", "40P01", "23505");

    record Mapped(int status, OperationOutcome outcome) {}

    private ErrorMapper() {}

    static Mapped map(Throwable thrown, @Nullable String requestId) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof RequiredElements.InvalidResourceException invalid) {
                return new Mapped(ErrorCode.INVALID_RESOURCE.httpStatus(), invalid.outcome());
            }
            if (t instanceof WriteValidation.Rejected rejected) {
                return new Mapped(ErrorCode.INVALID_RESOURCE.httpStatus(), rejected.outcome());
            }
            if (t instanceof TransactionSystemException tx && tx.getApplicationException() != null) {
                // The rollback after a failure failed too (the database went away): answer for the failure itself.
                return map(tx.getApplicationException(), requestId);
            }
            if (t instanceof OverturnException known) {
                return mapped(known.code(), known.getMessage(), known.expression());
            }
            if (t instanceof DuplicateKeyException
                    || t instanceof CannotAcquireLockException
                    || t instanceof PessimisticLockingFailureException
                    || (t instanceof java.sql.SQLException sql && CONFLICT_STATES.contains(state(sql)))) {
                // lock_timeout bounds every lock wait, reads' too, which only a schema change makes wait.
                return mapped(
                        ErrorCode.CONCURRENT_WRITE,
                        "Another request is writing the same resource (or the database is being maintained); retry the request",
                        null);
            }
            if (t instanceof java.sql.SQLException sql && "57014".equals(sql.getSQLState())) {
                // statement_timeout: a search the database could not answer in time is cancelled, not left running.
                log.warn("Statement cancelled after the statement timeout, request {}", requestId);
                return mapped(ErrorCode.UNAVAILABLE, "The query took longer than the server allows; narrow the search"
                        + " (more specific parameters, a smaller _count) or retry later", null);
            }
            if (t instanceof CannotGetJdbcConnectionException
                    || t instanceof CannotCreateTransactionException
                    || t instanceof DataAccessResourceFailureException
                    || t instanceof TransactionSystemException // commit or rollback failed: the connection is gone
                    || (t instanceof java.sql.SQLException sql && connectionLost(state(sql)))) {
                log.error("Database unavailable, request {}", requestId, t);
                return mapped(ErrorCode.UNAVAILABLE, "The database is unavailable; retry later", null);
            }
            if (t instanceof DataFormatException) {
                return mapped(ErrorCode.MALFORMED_BODY, "The request body could not be parsed: " + t.getMessage(), null);
            }
            if (thrownByParser(t)) {
                // HAPI's parser fails on some shapes that fit JSON but not FHIR (an array of arrays where objects go)
                // with a bare NullPointerException or ClassCastException: still the client's body, not our fault.
                log.debug("Parser failure on a request body, request {}", requestId, t);
                return mapped(ErrorCode.MALFORMED_BODY, "The request body could not be parsed: its structure does not"
                        + " fit a FHIR resource (check for arrays inside arrays, or objects where a value belongs)", null);
            }
            if (t instanceof BaseServerResponseException http && !(t instanceof InternalErrorException)) {
                OperationOutcome outcome = hapiOutcome(http);
                return new Mapped(http.getStatusCode(), outcome);
            }
        }
        log.error("Unhandled error, request {}", requestId, thrown);
        return mapped(ErrorCode.INTERNAL, "Internal error; request id " + requestId, null);
    }

    /** The SQLState, "" when the driver gave none (Set.of(...).contains(null) throws). */
    private static String state(java.sql.SQLException sql) {
        return sql.getSQLState() == null ? "" : sql.getSQLState();
    }

    /**
     * A connection lost to a database going away (class 08) or shutting down or restarting (57P01-57P03), where it
     * reaches us untranslated by Spring.
     */
    private static boolean connectionLost(String state) {
        return state.startsWith("08") || state.startsWith("57P");
    }

    /**
     * Whether {@code t} was thrown inside HAPI's JSON or XML parser, which only ever reads the request body here: the
     * parser itself, or what it called before control came back (HAPI's context and the commons-lang checks it runs,
     * such as the blank {@code resourceType} of a contained resource).
     */
    static boolean thrownByParser(Throwable t) {
        if (!(t instanceof RuntimeException)) {
            return false;
        }
        for (StackTraceElement frame : t.getStackTrace()) {
            String type = frame.getClassName();
            if (type.startsWith("ca.uhn.fhir.parser.")) {
                return true;
            }
            if (!type.startsWith("ca.uhn.fhir.") && !type.startsWith("org.apache.commons.lang3.")) {
                return false;
            }
        }
        return false;
    }

    private static Mapped mapped(ErrorCode code, String message, @Nullable String expression) {
        return new Mapped(code.httpStatus(), Outcomes.error(code, message, expression));
    }

    private static OperationOutcome hapiOutcome(BaseServerResponseException http) {
        IBaseOperationOutcome given = http.getOperationOutcome();
        if (given instanceof OperationOutcome oo && oo.hasIssue()) {
            return oo;
        }
        ErrorCode code = switch (http.getStatusCode()) {
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 409 -> ErrorCode.CONCURRENT_WRITE;
            case 410 -> ErrorCode.GONE;
            case 412 -> ErrorCode.VERSION_MISMATCH;
            case 413 -> ErrorCode.BODY_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 422 -> ErrorCode.INVALID_RESOURCE;
            default -> ErrorCode.INVALID_REQUEST;
        };
        return Outcomes.error(code, http.getMessage());
    }
}
