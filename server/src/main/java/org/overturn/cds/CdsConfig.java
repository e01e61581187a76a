package org.overturn.cds;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import org.overturn.criteria.Knowledge;
import org.overturn.assessment.Assessor;
import org.overturn.eligibility.EligibilityService;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.LimitedBodyRequest;
import org.overturn.platform.OverturnException;
import org.overturn.profiles.FhirPackage;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.transaction.support.TransactionTemplate;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
class CdsConfig {

    @Bean
    EhrClient ehrClient(FhirContext ctx, CdsProperties properties) {
        return new EhrClient(ctx, properties);
    }

    @Bean
    CoverageHookService coverageHookService(FhirContext ctx, ObjectMapper json, Assessor assessor, EligibilityService eligibility,
            Knowledge knowledge, FhirPackage fhirPackage, EhrClient ehr, Clock clock) {
        return new CoverageHookService(ctx, assessor, eligibility, new CardFactory(ctx, json, fhirPackage), ehr, knowledge, clock);
    }

    @Bean
    TokenReplayCache tokenReplayCache(JdbcTemplate jdbc, Clock clock) {
        return new TokenReplayCache(jdbc, clock);
    }

    @Bean
    CdsTokenVerifier cdsTokenVerifier(CdsProperties properties, TokenReplayCache replays, Clock clock) {
        return new CdsTokenVerifier(properties, replays, clock);
    }

    @Bean
    FeedbackStore feedbackStore(JdbcTemplate jdbc, TransactionTemplate tx, ObjectMapper json) {
        return new FeedbackStore(jdbc, tx, json);
    }

    /** Hook bodies carry whole charts in their prefetch; past the limit they are refused with 413, chunked or not. */
    @Bean
    FilterRegistrationBean<?> cdsBodyLimit(CdsProperties properties) {
        long limit = properties.maxBodySize().toBytes();
        FilterRegistrationBean<jakarta.servlet.Filter> registration = new FilterRegistrationBean<>((req, res, chain) -> {
            var http = (jakarta.servlet.http.HttpServletRequest) req;
            if (http.getContentLengthLong() > limit) {
                ((HttpServletResponse) res).setStatus(413);
                res.setContentType("application/json");
                res.getWriter().write("{\"error\":\"payload-too-large\",\"message\":\"The body exceeds the limit of " + limit
                        + " bytes (overturn.cds.max-body-size)\"}");
                return;
            }
            chain.doFilter(new LimitedBodyRequest(http, limit, () -> new OverturnException(ErrorCode.BODY_TOO_LARGE,
                    "The body exceeds the limit of " + limit + " bytes (overturn.cds.max-body-size)")), res);
        });
        registration.addUrlPatterns("/cds-services/*");
        registration.setName("cdsBodyLimit");
        return registration;
    }
}
