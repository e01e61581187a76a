package org.overturn.platform;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A failure the client can act on: its {@link ErrorCode} decides the status, the message says what to fix. */
public class OverturnException extends RuntimeException {
    private final ErrorCode code;
    private final @Nullable String expression;

    public OverturnException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    public OverturnException(ErrorCode code, String message, @Nullable String expression) {
        this(code, message, expression, null);
    }

    public OverturnException(ErrorCode code, String message, @Nullable String expression, @Nullable Throwable cause) {
        super(message, cause);
        this.code = code;
        this.expression = expression;
    }

    /** Never null: every constructor takes the message, which is what the client reads. */
    @Override
    public String getMessage() {
        return Objects.requireNonNull(super.getMessage(), "an OverturnException has a message");
    }

    public ErrorCode code() {
        return code;
    }

    /** Where in the request the problem is (a FHIRPath into the resource, or a parameter name), when known. */
    public @Nullable String expression() {
        return expression;
    }
}
