package org.overturn.deadlines;

import java.util.Locale;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.jspecify.annotations.Nullable;

/** Standard, or expedited (urgent, exigent): the shorter clocks a serious threat to health earns. */
public enum Urgency {
    STANDARD,
    EXPEDITED;

    /** The {@code urgency} parameter of an operation: standard (also when absent) or expedited, in any case. */
    public static Urgency parse(@Nullable String code) {
        if (code == null || code.isBlank()) {
            return STANDARD;
        }
        return switch (code.trim().toLowerCase(Locale.ROOT)) {
            case "standard" -> STANDARD;
            case "expedited" -> EXPEDITED;
            default -> throw new OverturnException(ErrorCode.INVALID_REQUEST, "Parameter 'urgency' must be standard or expedited, not '"
                    + code + "'", "Parameters.parameter[urgency]");
        };
    }
}
