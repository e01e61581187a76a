package org.overturn.deadlines;

import org.overturn.criteria.Knowledge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One calculator over the knowledge loaded at start-up. */
@Configuration(proxyBeanMethods = false)
class DeadlinesConfig {

    @Bean
    DeadlineCalculator deadlineCalculator(Knowledge knowledge) {
        return new DeadlineCalculator(knowledge);
    }
}
