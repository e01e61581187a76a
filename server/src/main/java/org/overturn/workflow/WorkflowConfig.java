package org.overturn.workflow;

import org.overturn.store.WriteRule;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class WorkflowConfig {

    @Bean
    WriteRule taskStateMachine() {
        return new TaskStateMachine();
    }
}
