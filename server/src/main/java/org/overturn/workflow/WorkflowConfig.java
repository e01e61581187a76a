package org.overturn.workflow;

import java.time.Clock;
import org.overturn.store.ResourceStore;
import org.overturn.store.WriteRule;
import org.overturn.subscriptions.TopicEvents;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
class WorkflowConfig {

    @Bean
    WriteRule taskStateMachine() {
        return new TaskStateMachine();
    }

    @Bean
    DeadlineReminders deadlineReminders(ResourceStore store, JdbcTemplate jdbc, TopicEvents events, WorkflowProperties properties) {
        return new DeadlineReminders(store, jdbc, events, properties);
    }

    @Bean
    SchedulingConfigurer reminderSchedule(DeadlineReminders reminders, WorkflowProperties properties, Clock clock) {
        return (ScheduledTaskRegistrar registrar) -> {
            if (properties.remindersEnabled()) {
                registrar.addFixedDelayTask(() -> {
                    try {
                        // The server's own work: with trusted issuers configured, a thread without it reads nothing.
                        org.overturn.platform.SystemWork.run("deadline-reminders", () -> reminders.sendDueSinceLastRound(clock.instant()));
                    } catch (RuntimeException e) {
                        // The next round retries; a reminder is only marked sent together with its Communication.
                        org.slf4j.LoggerFactory.getLogger(DeadlineReminders.class).warn("Deadline reminders failed", e);
                    }
                }, properties.reminderInterval());
            }
        };
    }
}
