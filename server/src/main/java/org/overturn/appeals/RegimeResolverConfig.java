package org.overturn.appeals;

import org.overturn.criteria.Knowledge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One resolver over the knowledge loaded at start-up. */
@Configuration(proxyBeanMethods = false)
class RegimeResolverConfig {

    @Bean
    RegimeResolver regimeResolver(Knowledge knowledge) {
        return new RegimeResolver(knowledge);
    }
}
