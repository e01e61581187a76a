package org.overturn.pas;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.overturn.store.ResourceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers outbox rows to their payers. A 2xx PAS answer becomes a new version of the stored ClaimResponse and
 * moves the Task on; a timeout, connection failure, 5xx or unreadable answer is retried with exponential backoff and
 * jitter; a 4xx, too many failures, or review actions this server does not know fail the Task, with the reason as an
 * OperationOutcome in its output. Delivery is at least once: a payer recognizes a repeat by the Claim identifier.
 */
public final class PasOutboxWorker {
    private static final Logger log = LoggerFactory.getLogger(PasOutboxWorker.class);
    private static final String OUTCOME_ID = "payer-outcome";

    private final ResourceStore store;
    private final PasOutbox outbox;
    private final PayerClient client;
    private final PayerRouter router;
    private final PasProperties.Outbox settings;
    private final PasResponseFactory responses;
    private final RandomGenerator random;
    private final java.util.concurrent.ExecutorService senders;

    PasOutboxWorker(ResourceStore store, PasOutbox outbox, PayerClient client, PayerRouter router,
            PasProperties.Outbox settings, PasResponseFactory responses, RandomGenerator random) {
        this.store = store;
        this.outbox = outbox;
        this.client = client;
        this.router = router;
        this.settings = settings;
        this.responses = responses;
        this.random = random;
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        this.senders = java.util.concurrent.Executors.newFixedThreadPool(settings.parallelism(), r -> {
            Thread t = new Thread(r, "pas-outbox-send-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Claims the rows due at {@code now} and delivers each; returns how many were attempted. */
    public int deliverDue(Instant now) {
        List<PasOutbox.Row> rows = store.inTransaction(() -> outbox.claimDue(now, settings.batchSize(), settings.lease()));
        // Rows go to payers in parallel: a slow payer would otherwise hold every row behind it. Each row is leased to
        // this instance, so the parallelism changes nothing about who delivers what.
        List<java.util.concurrent.Future<?>> running = new java.util.ArrayList<>();
        for (PasOutbox.Row row : rows) {
            running.add(senders.submit(() -> deliver(row, now)));
        }
        for (java.util.concurrent.Future<?> f : running) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                log.warn("PAS outbox delivery failed; the row is retried after its lease", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return rows.size();
    }

    private void deliver(PasOutbox.Row row, Instant now) {
        Optional<PasProperties.PayerRoute> route = router.byEndpoint(row.endpoint());
        PayerClient.Delivery delivery = client.send(row.endpoint(), row.payload(),
                route.map(PasProperties.PayerRoute::bearerToken).orElse(null),
                route.map(PasProperties.PayerRoute::timeout).orElse(null));
        if (delivery instanceof PayerClient.Answered answered) {
            store.inTransaction(() -> {
                ClaimResponse ours = (ClaimResponse) store.read("ClaimResponse", row.claimResponseId()).resource();
                Optional<String> status = responses.applyPayerAnswer(ours, answered.response());
                if (status.isEmpty()) {
                    fail(row, "answered with review actions Overturn does not know (X12 306 A1, A2, A3, A4, A6)",
                            outcome("The payer's ClaimResponse carries no known X12 306 review action; read it at the payer"), now);
                    return true;
                }
                store.update("ClaimResponse", row.claimResponseId(), ours, null);
                Task task = task(row);
                PasResponseFactory.setStatus(task, status.get(), ours.getDisposition(), Date.from(now));
                store.update("Task", row.taskId(), task, null);
                outbox.delivered(row.id(), now);
                return true;
            });
        } else if (delivery instanceof PayerClient.Refused refused) {
            store.inTransaction(() -> {
                fail(row, "refused the request (HTTP " + refused.status() + ")", refused.outcome(), now);
                return true;
            });
        } else if (delivery instanceof PayerClient.Failed failed) {
            if (row.attempts() >= settings.maxAttempts()) {
                store.inTransaction(() -> {
                    fail(row, "could not be reached after " + row.attempts() + " attempts (last: " + failed.reason() + ")",
                            outcome("Delivery to " + row.endpoint() + " failed " + row.attempts() + " times; last: " + failed.reason()),
                            now);
                    return true;
                });
            } else {
                Duration wait = PayerAnswers.backoff(row.attempts(), settings.initialBackoff(), settings.maxBackoff(), random.nextDouble());
                store.inTransaction(() -> {
                    outbox.retryAt(row.id(), now.plus(wait), failed.reason());
                    return true;
                });
                log.warn("PAS delivery of outbox row {} to {} failed ({}); attempt {} of {}, next in {}",
                        row.id(), row.endpoint(), failed.reason(), row.attempts(), settings.maxAttempts(), wait);
            }
        }
    }

    /** The request ends here: Task failed with the payer's (or our) OperationOutcome, ClaimResponse outcome error. */
    private void fail(PasOutbox.Row row, String why, OperationOutcome outcome, Instant now) {
        Task task = task(row);
        outcome.setId(OUTCOME_ID);
        task.getContained().removeIf(r -> OUTCOME_ID.equals(r.getIdElement().getIdPart()));
        task.addContained(outcome);
        task.getOutput().removeIf(o -> o.getType().hasCoding(PasProfiles.TASK_CODES, PasProfiles.TASK_PAYER_ERROR));
        task.addOutput().setType(new CodeableConcept(new Coding(PasProfiles.TASK_CODES, PasProfiles.TASK_PAYER_ERROR, "Payer error")))
                .setValue(new Reference("#" + OUTCOME_ID));
        task.setStatusReason(new CodeableConcept().setText("The payer " + why));
        PasResponseFactory.setStatus(task, PasProfiles.ERROR, "The payer " + why, Date.from(now));
        store.update("Task", row.taskId(), task, null);
        ClaimResponse ours = (ClaimResponse) store.read("ClaimResponse", row.claimResponseId()).resource();
        ours.setOutcome(ClaimResponse.RemittanceOutcome.ERROR);
        ours.setDisposition("The payer " + why);
        store.update("ClaimResponse", row.claimResponseId(), ours, null);
        outbox.failed(row.id(), now, why);
        log.warn("PAS request {} to {}: the payer {}", row.requestKey(), row.endpoint(), why);
    }

    private Task task(PasOutbox.Row row) {
        return (Task) store.read("Task", row.taskId()).resource();
    }

    private static OperationOutcome outcome(String message) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.TRANSIENT)
                .setDiagnostics(message);
        return outcome;
    }
}
