package org.overturn.cds;

/** A CDS Hooks request the service refuses; the status and message go back as the CDS error JSON. */
final class CdsException extends RuntimeException {
    private final int status;

    CdsException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
