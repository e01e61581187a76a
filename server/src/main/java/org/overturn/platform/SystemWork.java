package org.overturn.platform;

import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Work the server does on its own account rather than for a caller: workers (payer outbox, notifications, deadline
 * reminders), internal bookkeeping a write triggers, the development authorization server's pages. The store checks
 * every read against the caller's access (security.AccessCheckedStore); a thread with no caller reaches nothing
 * unless it runs its work here, under a name that says whose work it is (fail closed: a new worker that forgets
 * reads nothing).
 */
public final class SystemWork {
    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private SystemWork() {}

    public static <T> T call(String name, Supplier<T> work) {
        String outer = CURRENT.get();
        CURRENT.set(name);
        try {
            return work.get();
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    public static void run(String name, Runnable work) {
        call(name, () -> {
            work.run();
            return null;
        });
    }

    /** The name of the system work running on this thread, or null when the thread works for a caller (or nobody). */
    public static @Nullable String current() {
        return CURRENT.get();
    }
}
