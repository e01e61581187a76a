package org.overturn.workflow;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Deadline reminders ({@code overturn.workflow.*}).
 *
 * @param reminderLeads how long before a workflow Task's deadline a reminder goes out (one per lead time)
 * @param reminderInterval how often the server looks for reminders that are due
 * @param remindersEnabled whether this instance looks at all (every instance may; each reminder is sent once)
 */
@Validated
@ConfigurationProperties("overturn.workflow")
record WorkflowProperties(
        @NotNull @DefaultValue({"14d", "3d", "1d"}) List<Duration> reminderLeads,
        @NotNull @DefaultValue("1m") Duration reminderInterval,
        @DefaultValue("true") boolean remindersEnabled) {}
