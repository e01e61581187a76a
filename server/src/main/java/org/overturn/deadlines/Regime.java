package org.overturn.deadlines;

import java.util.Locale;
import org.overturn.law.RegulatorKind;
import org.jspecify.annotations.Nullable;

/**
 * A legal regime: who regulates the plan and in which state. For federal regimes the state is the patient's, used
 * only for the time zone; it may be null when no state is known.
 */
public record Regime(RegulatorKind kind, @Nullable String state) {

    public Regime {
        state = state == null ? null : state.toUpperCase(Locale.ROOT);
    }

    public static Regime of(RegulatorKind kind, @Nullable String state) {
        return new Regime(kind, state);
    }

    @Override
    public String toString() {
        if (kind.federal()) {
            return kind.code() + (state == null ? "" : " (patient in " + state + ")");
        }
        return kind.code() + " " + (state == null ? "(state unknown)" : state);
    }
}
