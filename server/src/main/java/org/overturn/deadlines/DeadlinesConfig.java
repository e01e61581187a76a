package org.overturn.deadlines;

import org.overturn.law.Law;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One calculator over the law loaded at start-up. */
@Configuration(proxyBeanMethods = false)
class DeadlinesConfig {

    @Bean
    DeadlineCalculator deadlineCalculator(Law law) {
        return new DeadlineCalculator(law);
    }
}
