package org.overturn.trials;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class TrialsConfig {

    @Bean
    TrialRegistry trialRegistry(TrialsProperties properties, ObjectMapper json, Clock clock) {
        if (!properties.enabled()) {
            return TrialSearch.Disabled::new;
        }
        return new ClinicalTrialsGovRegistry(properties, json, clock);
    }
}
