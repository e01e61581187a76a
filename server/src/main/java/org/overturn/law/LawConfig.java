package org.overturn.law;

import org.overturn.criteria.Knowledge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Loads the law files once at start-up, after the coverage knowledge they are checked against; an inconsistent set
 * stops the server with every problem listed.
 */
@Configuration(proxyBeanMethods = false)
class LawConfig {

    @Bean
    Law law(Knowledge knowledge) {
        return LawLoader.load(knowledge);
    }
}
