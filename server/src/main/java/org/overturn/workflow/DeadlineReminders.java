package org.overturn.workflow;

import org.overturn.cases.WorkflowSteps;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.overturn.platform.Canonical;
import org.overturn.store.Page;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;
import org.overturn.subscriptions.TopicEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.jspecify.annotations.Nullable;

/**
 * Sends a Communication before a workflow Task's deadline ({@code Task.restriction.period.end}) at each configured
 * lead time, and an urgent one once it is overdue while the Task is still open. Each (Task, deadline, lead) is
 * claimed by a primary-key insert in the same transaction as its Communication, so any number of server instances
 * may run this: each reminder is sent exactly once, and a moved deadline gets reminders of its own. Each reminder is
 * also an event of the reminder subscription topic ({@link AppealProfiles#REMINDER_TOPIC}).
 */
final class DeadlineReminders {
    static final String CATEGORY_SYSTEM = Canonical.BASE + "/CodeSystem/communication-category";
    static final String OVERDUE = "overdue";
    private static final Logger log = LoggerFactory.getLogger(DeadlineReminders.class);
    private static final String OPEN = "draft,requested,received,accepted,ready,in-progress,on-hold";

    private static final Duration WRITE_MARGIN = Duration.ofMinutes(2);
    private static final int PAGE = 500;

    private final ResourceStore store;
    private final JdbcTemplate jdbc;
    private final TopicEvents events;
    private final List<Duration> leads;
    private final Duration lease;

    DeadlineReminders(ResourceStore store, JdbcTemplate jdbc, TopicEvents events, WorkflowProperties properties) {
        this.store = store;
        this.jdbc = jdbc;
        this.events = events;
        this.leads = properties.reminderLeads().stream().sorted(Comparator.reverseOrder()).toList();
        // A round that takes longer than this is presumed dead and taken over by another instance.
        this.lease = properties.reminderInterval().multipliedBy(5).plus(Duration.ofMinutes(5));
    }

    /**
     * The scheduled round: takes the scan cursor (a lease in {@code workflow_reminder_scan}, so one instance scans at a
     * time and a crashed one is taken over), sends what fell due since the last round and moves the cursor to
     * {@code now}. Answers how many reminders were sent, or -1 when another instance holds the cursor.
     */
    int sendDueSinceLastRound(Instant now) {
        List<Instant> cursor = jdbc.query("update workflow_reminder_scan set lease_until = ? where id = 1"
                        + " and (lease_until is null or lease_until < ?) returning scanned_until",
                (rs, n) -> {
                    Timestamp t = rs.getTimestamp(1);
                    return t == null ? Instant.EPOCH : t.toInstant();
                },
                Timestamp.from(now.plus(lease)), Timestamp.from(now));
        if (cursor.isEmpty()) {
            return -1;
        }
        Instant since = cursor.get(0);
        int sent = sendDue(since.equals(Instant.EPOCH) ? null : since, now);
        jdbc.update("update workflow_reminder_scan set scanned_until = ?, lease_until = null where id = 1", Timestamp.from(now));
        return sent;
    }

    /**
     * Sends the reminders that fell due in {@code (since, now]}: Tasks whose deadline minus a lead time (or the
     * deadline itself, for the overdue notice) passed in that window, and Tasks written since {@code since} that are
     * already within a lead time (a new case filed late, a moved deadline). {@code since} null: everything due by now.
     * Only that window is read, so open Tasks long overdue cost nothing once reminded. Answers how many were sent.
     */
    int sendDue(@Nullable Instant since, Instant now) {
        Duration longest = leads.isEmpty() ? Duration.ZERO : leads.get(0);
        String open = "code=" + WorkflowSteps.SYSTEM + "|&status=" + OPEN;
        Map<String, Task> candidates = new LinkedHashMap<>();
        if (since == null) {
            collect(open + "&deadline=le" + now.plus(longest) + "&_sort=deadline", candidates);
        } else {
            for (Duration lead : thresholds()) {
                collect(open + "&deadline=gt" + since.plus(lead) + "&deadline=le" + now.plus(lead) + "&_sort=deadline", candidates);
            }
            // A write that committed just after the previous round read may carry a slightly earlier lastUpdated.
            collect(open + "&deadline=le" + now.plus(longest) + "&_lastUpdated=gt" + since.minus(WRITE_MARGIN)
                    + "&_sort=_lastUpdated", candidates);
        }
        Set<String> alreadySent = alreadySent(candidates.keySet());
        int sent = 0;
        for (Task task : candidates.values()) {
            Instant deadline = task.getRestriction().getPeriod().getEnd().toInstant();
            String lead = dueLead(deadline, now);
            if (lead != null && !alreadySent.contains(key(task.getIdElement().getIdPart(), deadline, lead))
                    && send(task, deadline, lead, now)) {
                sent++;
            }
        }
        return sent;
    }

    /** The lead times and zero (the overdue notice). */
    private List<Duration> thresholds() {
        List<Duration> all = new ArrayList<>(leads);
        all.add(Duration.ZERO);
        return all;
    }

    private void collect(String query, Map<String, Task> into) {
        for (int offset = 0; ; offset += PAGE) {
            Page<StoredResource> page = store.search(store.parseQuery("Task", query + "&_count=" + PAGE + "&_offset=" + offset));
            for (StoredResource stored : page.items()) {
                into.putIfAbsent(stored.id(), (Task) stored.resource());
            }
            if (!page.hasMore()) {
                return;
            }
        }
    }

    private Set<String> alreadySent(Set<String> taskIds) {
        Set<String> sent = new HashSet<>();
        if (!taskIds.isEmpty()) {
            jdbc.query("select task_id, deadline, lead from workflow_reminder where task_id = any(?)",
                    rs -> {
                        sent.add(key(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3)));
                    },
                    (Object) taskIds.toArray(new String[0]));
        }
        return sent;
    }

    private static String key(String taskId, Instant deadline, String lead) {
        return taskId + "|" + deadline + "|" + lead;
    }

    /** The lead time whose reminder is due now (the shortest one passed), or "overdue", or null. */
    private @Nullable String dueLead(Instant deadline, Instant now) {
        if (!now.isBefore(deadline)) {
            return OVERDUE;
        }
        String due = null;
        for (Duration lead : leads) {
            if (!now.isBefore(deadline.minus(lead))) {
                due = lead.toString();
            }
        }
        return due;
    }

    private boolean send(Task task, Instant deadline, String lead, Instant now) {
        String taskRef = "Task/" + task.getIdElement().getIdPart();
        String patientRef = task.getFor().getReference();
        return store.inTransaction(() -> {
            int claimed = jdbc.update("insert into workflow_reminder (task_id, deadline, lead, patient_id) values (?, ?, ?, ?)"
                    + " on conflict do nothing", task.getIdElement().getIdPart(), Timestamp.from(deadline), lead, patientRef);
            if (claimed == 0) {
                return false;
            }
            Communication reminder = reminder(task, taskRef, deadline, lead, now);
            StoredResource sent = store.create(reminder, null).stored();
            // Subscribers of the reminder topic hear of it in the same transaction (their notifications are queued).
            Map<String, List<String>> filters = new HashMap<>();
            filters.put("recipient", reminder.getRecipient().stream().map(Reference::getReference).filter(r -> r != null).toList());
            filters.put("patient", patientRef == null ? List.of() : List.of(patientRef));
            // The Task as it stood when the reminder went out, not as it is when the notification is delivered.
            String version = task.getMeta().getVersionId();
            events.publish(AppealProfiles.REMINDER_TOPIC, sent, filters, List.of(version == null ? taskRef : taskRef + "/_history/" + version));
            log.info("Sent the {} reminder of {} (deadline {})", lead, taskRef, deadline);
            return true;
        });
    }

    private static Communication reminder(Task task, String taskRef, Instant deadline, String lead, Instant now) {
        boolean overdue = lead.equals(OVERDUE);
        String step = WorkflowSteps.stepOf(task);
        String what = task.hasDescription() ? task.getDescription() : "the " + step + " step";
        Communication c = new Communication();
        c.setStatus(Communication.CommunicationStatus.COMPLETED);
        c.addCategory().addCoding().setSystem(CATEGORY_SYSTEM).setCode(overdue ? "deadline-overdue" : "deadline-reminder");
        c.setPriority(overdue ? Communication.CommunicationPriority.URGENT : Communication.CommunicationPriority.ROUTINE);
        c.addAbout(new Reference(taskRef));
        if (task.hasFor()) {
            c.setSubject(task.getFor().copy());
        }
        List<Reference> recipients = new ArrayList<>();
        if (task.hasOwner()) {
            recipients.add(task.getOwner().copy());
        }
        if (overdue && task.hasRequester()) {
            recipients.add(task.getRequester().copy()); // escalation: whoever asked for the step hears of it too
        }
        c.setRecipient(recipients);
        c.setSent(Date.from(now));
        long hours = Duration.between(now, deadline).toHours();
        String when = overdue ? "was due " + deadline + " and is overdue; the step is still open"
                : "is due " + deadline + " (in " + (hours >= 48 ? hours / 24 + " days" : hours + " hours") + ")";
        c.addPayload().setContent(new org.hl7.fhir.r4.model.StringType(capitalize(what) + " " + when + "."));
        c.addIdentifier().setSystem(Canonical.BASE + "/reminder").setValue(task.getIdElement().getIdPart() + "/" + deadline + "/" + lead);
        return c;
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
