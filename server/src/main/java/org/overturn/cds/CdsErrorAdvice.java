package org.overturn.cds;

import ca.uhn.fhir.parser.DataFormatException;
import org.overturn.platform.OverturnException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The one error mapping of the CDS Hooks edge: JSON errors with the right status, never a stack trace. */
@RestControllerAdvice(assignableTypes = CdsController.class)
class CdsErrorAdvice {
    private static final Logger log = LoggerFactory.getLogger(CdsErrorAdvice.class);

    /** Refusals of the edge (CdsRequests, token checks) and failures of the features behind it, by their ErrorCode. */
    @ExceptionHandler(OverturnException.class)
    ResponseEntity<CdsJson.Error> refused(OverturnException e) {
        int status = e.code().httpStatus();
        if (status >= 500) {
            log.warn("CDS service failed: {} {}", e.code(), e.getMessage());
        }
        return ResponseEntity.status(status).body(new CdsJson.Error(reason(status), e.getMessage()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<CdsJson.Error> malformed(HttpMessageNotReadableException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OverturnException tooLarge) {
                return refused(tooLarge);
            }
        }
        return ResponseEntity.badRequest().body(new CdsJson.Error("bad-request", "The request body is not valid CDS Hooks JSON"));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<CdsJson.Error> mediaType(HttpMediaTypeNotSupportedException e) {
        return ResponseEntity.status(415).body(new CdsJson.Error("unsupported-media-type", "Send the hook call as application/json"));
    }

    /** A resource of the call that HAPI cannot read or write back (a {@code #ref} to nothing contained): the caller's data. */
    @ExceptionHandler(DataFormatException.class)
    ResponseEntity<CdsJson.Error> unreadable(DataFormatException e) {
        return ResponseEntity.badRequest().body(new CdsJson.Error("bad-request",
                "A resource of the hook call is not valid FHIR: " + e.getMessage()));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<CdsJson.Error> unexpected(Exception e) {
        log.error("CDS service failed", e);
        return ResponseEntity.internalServerError().body(new CdsJson.Error("internal-error", "The service failed; see the server log"));
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "bad-request";
            case 401 -> "unauthorized";
            case 404 -> "not-found";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            case 412 -> "precondition-failed";
            case 409 -> "conflict";
            case 422 -> "unprocessable";
            case 429 -> "too-many-requests";
            case 503 -> "unavailable";
            default -> "error";
        };
    }
}
