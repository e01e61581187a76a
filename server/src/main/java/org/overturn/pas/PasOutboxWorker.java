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
import org.overturn.payers.PayerGateway;
import org.overturn.payers.PayerRoute;
import org.overturn.payers.PayerRoutes;
import org.overturn.platform.Backoff;
import org.overturn.platform.ParallelSends;
import org.overturn.profiles.PasProfiles;
import org.overturn.store.ResourceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Delivers outbox rows to their payers, exactly once where the payer answers {@code Claim/$inquire} (ADR 0005):
 * <ul>
 *   <li>a row whose payer's circuit breaker is open is put back, due when the breaker lets a call through again,
 *       and the attempt is not counted;</li>
 *   <li>before the request leaves, the row is marked as sent (committed); a row claimed again while so marked (the
 *       instance delivering it died, or the call timed out) is in doubt, and the payer is asked with
 *       {@code $inquire} first: if it has the request, its answer is taken and nothing is sent again; only if it
 *       does not (or does not answer inquiries: then delivery is at least once) is the request submitted;</li>
 *   <li>a 2xx PAS answer becomes a new version of the stored ClaimResponse and moves the Task on; a pended answer
 *       makes the row {@code awaiting}, and the payer is asked for its decision every inquire interval until it
 *       decides or the maximum age passes;</li>
 *   <li>a timeout, connection failure, 5xx, unreadable answer or missing access token is retried with exponential
 *       backoff and jitter; a 4xx, too many failures, or review actions this server does not know fail the Task,
 *       with the reason as an OperationOutcome in its output.</li>
 * </ul>
 */
public final class PasOutboxWorker {
    private static final Logger log = LoggerFactory.getLogger(PasOutboxWorker.class);
    private static final String OUTCOME_ID = "payer-outcome";

    private final ResourceStore store;
    private final PasOutbox outbox;
    private final PayerClient client;
    private final PayerGateway gateway;
    private final PayerRoutes routes;
    private final PasProperties.Outbox settings;
    private final PasResponseFactory responses;
    private final RandomGenerator random;
    private final ParallelSends senders;

    PasOutboxWorker(ResourceStore store, PasOutbox outbox, PayerClient client, PayerGateway gateway, PayerRoutes routes,
            PasProperties.Outbox settings, PasResponseFactory responses, RandomGenerator random) {
        this.store = store;
        this.outbox = outbox;
        this.client = client;
        this.gateway = gateway;
        this.routes = routes;
        this.settings = settings;
        this.responses = responses;
        this.random = random;
        this.senders = new ParallelSends("pas-outbox-send", settings.parallelism());
    }

    /** Claims the rows due at {@code now} and works on each; returns how many were claimed. */
    public int deliverDue(Instant now) {
        List<PasOutbox.Row> rows = store.inTransaction(() -> outbox.claimDue(now, settings.batchSize(), settings.lease()));
        // Rows go to payers in parallel: a slow payer would otherwise hold every row behind it.
        senders.sendAll(rows, row -> deliver(row, now));
        return rows.size();
    }

    private void deliver(PasOutbox.Row row, Instant now) {
        PayerRoute route = routes.byEndpoint(row.endpoint());
        if (!gateway.tryAcquire(route, now)) {
            Instant again = gateway.retryAt(route, now, settings.pollInterval());
            inTransaction(() -> outbox.release(row, again));
            log.debug("PAS outbox row {}: circuit breaker of {} open; due again at {}", row.id(), route.identifier(), again);
            return;
        }
        if (row.awaiting()) {
            followUp(row, route, now);
            return;
        }
        if (row.inDoubt()) {
            PayerClient.Inquiry inquiry = client.inquire(route, row.payload(), row.requestKey(), now);
            if (inquiry instanceof PayerClient.Known known) {
                log.info("PAS request {} was already at {}; its answer is taken, the request is not sent again",
                        row.requestKey(), route.identifier());
                answered(row, known.response(), now);
                return;
            }
            if (inquiry instanceof PayerClient.Failed failed) {
                retry(row, failed, now);
                return;
            }
            if (inquiry instanceof PayerClient.Unsupported unsupported) {
                log.warn("PAS request {} may already be at {}, which does not answer Claim/$inquire ({}); sending it again"
                        + " (at-least-once for this payer)", row.requestKey(), route.identifier(), unsupported.why());
            }
        }
        inTransaction(() -> outbox.markSent(row.id(), now));
        PayerClient.Delivery delivery = client.submit(route, row.payload(), now);
        if (delivery instanceof PayerClient.Answered answered) {
            answered(row, answered.response(), now);
        } else if (delivery instanceof PayerClient.Refused refused) {
            inTransaction(() -> fail(row, "refused the request (HTTP " + refused.status() + ")", refused.outcome(), now));
        } else if (delivery instanceof PayerClient.Failed failed) {
            retry(row, failed, now);
        }
    }

    /** An awaiting (pended) row: ask the payer for its decision. */
    private void followUp(PasOutbox.Row row, PayerRoute route, Instant now) {
        PayerClient.Inquiry inquiry = client.inquire(route, row.payload(), row.requestKey(), now);
        if (inquiry instanceof PayerClient.Known known) {
            answered(row, known.response(), now);
        } else if (inquiry instanceof PayerClient.Unsupported unsupported) {
            inTransaction(() -> outbox.expired(row.id(), now, "the payer does not answer Claim/$inquire (" + unsupported.why()
                    + "); its decision must come another way"));
        } else {
            String why = inquiry instanceof PayerClient.Failed failed ? failed.reason()
                    : "the payer's inquiry answer does not include this request";
            log.warn("PAS request {} pended at {}: asking for the decision failed ({})", row.requestKey(), route.identifier(), why);
            inTransaction(() -> stillPended(row, now, why));
        }
    }

    /** The payer's current answer for a row's request, recorded; a pended one makes the row awaiting. */
    private void answered(PasOutbox.Row row, ClaimResponse payer, Instant now) {
        inTransaction(() -> {
            ClaimResponse ours = (ClaimResponse) store.read("ClaimResponse", row.claimResponseId()).content();
            ClaimResponse before = ours.copy();
            Optional<String> status = responses.applyPayerAnswer(ours, payer);
            if (status.isEmpty()) {
                fail(row, "answered with review actions Overturn does not know (X12 306 A1, A2, A3, A4, A6)",
                        outcome("The payer's ClaimResponse carries no known X12 306 review action; read it at the payer"), now);
                return;
            }
            Task task = task(row);
            boolean changed = !ours.equalsDeep(before) || !task.getBusinessStatus().hasCoding(PasProfiles.BUSINESS_STATUS, status.get());
            if (changed) {
                PasResponseFactory.setStatus(task, status.get(), ours.getDisposition(), Date.from(now));
                updateCase(row, ours, task);
            }
            if (PasProfiles.PENDED.equals(status.get())) {
                stillPended(row, now, null);
            } else {
                outbox.delivered(row.id(), now);
            }
        });
    }

    private void stillPended(PasOutbox.Row row, Instant now, @Nullable String note) {
        if (now.isAfter(row.createdAt().plus(settings.inquireMaxAge()))) {
            outbox.expired(row.id(), now, "still pended " + settings.inquireMaxAge() + " after it was accepted; no more inquiries");
        } else {
            outbox.awaiting(row.id(), now.plus(settings.inquireInterval()), note);
        }
    }

    private void retry(PasOutbox.Row row, PayerClient.Failed failed, Instant now) {
        if (row.attempts() >= settings.maxAttempts()) {
            inTransaction(() -> fail(row, "could not be reached after " + row.attempts() + " attempts (last: " + failed.reason() + ")",
                    outcome("Delivery to " + row.endpoint() + " failed " + row.attempts() + " times; last: " + failed.reason()), now));
            return;
        }
        Duration wait = Backoff.of(row.attempts(), settings.initialBackoff(), settings.maxBackoff(), random.nextDouble());
        inTransaction(() -> outbox.retryAt(row.id(), now.plus(wait), failed.reason(), row.inDoubt() || failed.maybeReceived()));
        log.warn("PAS delivery of outbox row {} to {} failed ({}); attempt {} of {}, next in {}",
                row.id(), row.endpoint(), failed.reason(), row.attempts(), settings.maxAttempts(), wait);
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
        ClaimResponse ours = (ClaimResponse) store.read("ClaimResponse", row.claimResponseId()).content();
        ours.setOutcome(ClaimResponse.RemittanceOutcome.ERROR);
        ours.setDisposition("The payer " + why);
        updateCase(row, ours, task);
        outbox.failed(row.id(), now, why);
        log.warn("PAS request {} to {}: the payer {}", row.requestKey(), row.endpoint(), why);
    }

    /**
     * The one place where a payer's answer (or the failure to get one) changes the case: the next version of the
     * request's ClaimResponse and of its PA Task, written in the caller's transaction through the store. Anything that
     * must follow a ClaimResponse update (notifications) hooks in here.
     */
    private void updateCase(PasOutbox.Row row, ClaimResponse response, Task task) {
        store.update("ClaimResponse", row.claimResponseId(), response, null);
        // A claim update replaced or cancelled this request and ended its PA Task: the payer's late answer is kept on the
        // request's ClaimResponse, and the ended Task stays ended.
        if (task(row).getStatus() != Task.TaskStatus.CANCELLED) {
            store.update("Task", row.taskId(), task, null);
        }
    }

    private Task task(PasOutbox.Row row) {
        return (Task) store.read("Task", row.taskId()).content();
    }

    private void inTransaction(Runnable work) {
        store.inTransaction(() -> {
            work.run();
            return true;
        });
    }

    private static OperationOutcome outcome(String message) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.TRANSIENT)
                .setDiagnostics(message);
        return outcome;
    }

    void shutdown() {
        senders.shutdown();
    }
}
