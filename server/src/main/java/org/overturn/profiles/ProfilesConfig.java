package org.overturn.profiles;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.SearchParameter;
import org.overturn.platform.SystemWork;
import org.overturn.store.ResourceStore;
import org.overturn.store.ResourceTypes;
import org.overturn.store.SearchParameterRegistry;
import org.overturn.store.StoredResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ProfilesConfig {
    private static final Logger log = LoggerFactory.getLogger(ProfilesConfig.class);

    @Bean
    FhirPackage fhirPackage(FhirContext ctx) {
        return FhirPackage.load(ctx);
    }

    @Bean
    ProfileValidation profileValidation(FhirContext ctx, FhirPackage fhirPackage) {
        return new ProfileValidation(ctx, fhirPackage);
    }

    /** The validator takes a second or two to build: built after start-up, off the request path. */
    @Bean
    ApplicationRunner warmValidator(ProfileValidation validation) {
        return args -> {
            Thread warm = new Thread(validation::warm, "validator-warm-up");
            warm.setDaemon(true);
            warm.start();
        };
    }

    @Bean
    QuestionnairePackages questionnairePackages(FhirPackage fhirPackage, org.overturn.criteria.DrugCatalog drugs) {
        return new QuestionnairePackages(fhirPackage, drugs);
    }

    /** The store indexes HAPI's R4 search parameters and the package's own (the store cannot see this package). */
    @Bean
    SearchParameterRegistry searchParameterRegistry(FhirContext ctx, FhirPackage fhirPackage) {
        return new SearchParameterRegistry(ctx, ResourceTypes.SUPPORTED, fhirPackage.resources(SearchParameter.class));
    }

    /**
     * Publishes the packaged Questionnaires as Questionnaire resources of this server, so clients can read them by
     * id or search them by url. A Questionnaire already stored with the same version is left alone, so restarts and
     * several instances do not pile up versions.
     */
    @Bean
    ApplicationRunner publishQuestionnaires(FhirPackage fhirPackage, ResourceStore store) {
        return args -> SystemWork.run("publish-questionnaires", () -> {
            for (Questionnaire q : fhirPackage.resources(Questionnaire.class)) {
                String id = q.getIdElement().getIdPart();
                if (!isStored(store, id, q.getVersion())) {
                    store.update("Questionnaire", id, q.copy(), null);
                    log.info("Published Questionnaire/{} version {}", id, q.getVersion());
                }
            }
        });
    }

    private static boolean isStored(ResourceStore store, String id, String version) {
        try {
            StoredResource stored = store.read("Questionnaire", id);
            return stored.resource() instanceof Questionnaire existing && version.equals(existing.getVersion());
        } catch (org.overturn.platform.OverturnException e) {
            if (e.code() == org.overturn.platform.ErrorCode.NOT_FOUND || e.code() == org.overturn.platform.ErrorCode.GONE) {
                return false;
            }
            throw e;
        }
    }
}
