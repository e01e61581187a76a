package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.overturn.it.ServerProcesses.waitUntil;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox survives a crash: a server killed with SIGKILL while forwarding PA requests to a payer, then started again
 * on the same data, delivers every request it had accepted to the payer's {@code Claim/$submit} exactly once. The
 * stand-in payer answers {@code Claim/$inquire} for the Claim identifiers it has received, so the requests that were in
 * flight when the server died are found at the payer and not sent again.
 */
class PasOutboxCrashIT {
    private static final int REQUESTS = 24;
    private static final int BATCH = 4;

    @TempDir
    Path dir;

    private InquiringPayer payer;
    private ServerProcesses servers;

    @BeforeEach
    void setUp() throws Exception {
        payer = new InquiringPayer(Duration.ofMillis(1500));
        servers = new ServerProcesses(dir);
    }

    @AfterEach
    void stop() throws Exception {
        servers.close();
        payer.close();
    }

    @Test
    void outboxWhenTheServerIsKilledMidDeliveryThenARestartDeliversEveryAcceptedRequestExactlyOnce() throws Exception {
        Process first = start("first");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            String id = "CRASH-" + UUID.randomUUID();
            HttpResponse<String> accepted = servers.post("Claim/$submit", InquiringPayer.request(id));
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
            ids.add(id);
        }
        waitUntil(() -> payer.submissions() >= 3, Duration.ofSeconds(60), "the first deliveries");
        ServerProcesses.kill(first); // mid-delivery
        int beforeCrash = payer.submissions();
        assertThat(beforeCrash).as("the server died with requests still to deliver").isLessThan(REQUESTS);

        start("second");
        waitUntil(() -> ids.stream().allMatch(id -> payer.submissions(id) >= 1), Duration.ofSeconds(90), "every request at the payer");
        waitUntil(() -> completedTasks() == REQUESTS, Duration.ofSeconds(30), "every PA Task completed");
        int inquiries = payer.inquiries();
        System.out.printf("outbox crash: %d of %d requests at the payer before SIGKILL; %d in-doubt requests asked for after"
                + " the restart%n", beforeCrash, REQUESTS, inquiries);
        assertThat(inquiries).as("the requests in flight at the crash were asked for, not sent blindly").isPositive();
        for (String id : ids) {
            assertThat(payer.submissions(id)).as("Claim/$submit calls for %s", id).isEqualTo(1);
        }
        assertThat(payer.submissions()).isEqualTo(REQUESTS);
    }

    private Process start(String name) throws Exception {
        List<String> settings = new ArrayList<>(payer.routing());
        settings.addAll(List.of(
                "--overturn.pas.outbox.poll-interval=100ms",
                "--overturn.pas.outbox.batch-size=" + BATCH,
                "--overturn.pas.outbox.parallelism=2",
                "--overturn.pas.outbox.lease=15s",
                "--overturn.pas.outbox.initial-backoff=200ms"));
        return servers.start(name, settings.toArray(String[]::new));
    }

    private int completedTasks() {
        try {
            return servers.count(InquiringPayer.PA_TASKS + "&status=completed");
        } catch (Exception | AssertionError e) {
            return -1;
        }
    }
}
