package org.overturn.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceInteractionComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations;
import org.overturn.profiles.PasProfiles;
import org.overturn.security.SmartDiscovery;
import org.overturn.store.ResourceTypes;
import org.overturn.store.SearchParam;
import org.overturn.subscriptions.BackportProfiles;
import org.overturn.store.SearchParameterRegistry;

/**
 * Completes the CapabilityStatement HAPI derives from the providers: the search parameters (the generic search
 * method declares none), includes, conditional and versioning support, and the metadata of the packaged
 * CapabilityStatement in fhir-profiles.
 */
@Interceptor
final class CapabilityStatementInterceptor {
    private final SearchParameterRegistry registry;
    private final CapabilityStatement packaged;
    private final List<String> topics;
    private final SmartDiscovery discovery;

    CapabilityStatementInterceptor(
            SearchParameterRegistry registry, CapabilityStatement packaged, List<String> topics, SmartDiscovery discovery) {
        this.registry = registry;
        this.packaged = packaged;
        this.topics = List.copyOf(topics);
        this.discovery = discovery;
    }

    static final String PATIENT_COMPARTMENT = "http://hl7.org/fhir/CompartmentDefinition/patient";

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void complete(IBaseConformance generated) {
        CapabilityStatement cs = (CapabilityStatement) generated;
        cs.setUrl(packaged.getUrl());
        cs.setName(packaged.getName());
        cs.setTitle(packaged.getTitle());
        cs.setPublisher(packaged.getPublisher());
        cs.setDescription(packaged.getDescription());
        cs.setVersion(packaged.getVersion());
        cs.getSoftware().setName(packaged.getSoftware().getName()).setVersion(packaged.getSoftware().getVersion());
        cs.getImplementation().setDescription(packaged.getImplementation().getDescription());
        cs.setFormat(List.of(new org.hl7.fhir.r4.model.CodeType("application/fhir+json"), new org.hl7.fhir.r4.model.CodeType("application/fhir+xml")));
        for (var rest : cs.getRest()) {
            security(rest);
            // Patient/[id]/[type] searches (CompartmentSearchFilter); the other compartments are not indexed.
            rest.getCompartment().clear();
            rest.addCompartment(PATIENT_COMPARTMENT);
            if (rest.getInteraction().stream().noneMatch(i -> i.getCode() == CapabilityStatement.SystemRestfulInteraction.BATCH)) {
                rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.BATCH);
            }
            for (CapabilityStatementRestResourceComponent resource : rest.getResource()) {
                String type = resource.getType();
                if (!registry.supports(type)) {
                    continue;
                }
                complete(resource, type);
                if (type.equals("Claim")) {
                    pasOperations(resource);
                } else if (type.equals("Subscription")) {
                    subscriptions(resource);
                } else if (type.equals(ResourceTypes.AUDIT_EVENT)) {
                    auditTrail(resource);
                } else if (type.equals("Questionnaire")) {
                    resource.getOperation().stream().filter(o -> o.getName().equals("questionnaire-package"))
                            .forEach(o -> o.setDefinition(DTR_QUESTIONNAIRE_PACKAGE));
                }
            }
        }
    }

    /** SMART on FHIR: the authorization server's endpoints (INTEROP.md 2.2), or development mode said plainly. */
    private void security(CapabilityStatement.CapabilityStatementRestComponent rest) {
        var security = rest.getSecurity().setCors(true);
        if (discovery.developmentMode()) {
            security.setDescription("DEVELOPMENT MODE: no trusted token issuer is configured; this server asks for no"
                    + " token and listens on loopback only. Not for real patient data.");
            return;
        }
        security.addService().addCoding()
                .setSystem("http://terminology.hl7.org/CodeSystem/restful-security-service")
                .setCode("SMART-on-FHIR")
                .setDisplay("SMART-on-FHIR");
        security.setDescription("SMART on FHIR: bearer tokens from the trusted issuers; scopes v1 and v2;"
                + " discovery at .well-known/smart-configuration");
        if (discovery.advertised()) {
            var uris = security.addExtension().setUrl("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
            uris.addExtension("authorize", new org.hl7.fhir.r4.model.UriType(discovery.authorizationEndpoint()));
            uris.addExtension("token", new org.hl7.fhir.r4.model.UriType(discovery.tokenEndpoint()));
        }
    }

    static final String DTR_QUESTIONNAIRE_PACKAGE = "http://hl7.org/fhir/us/davinci-dtr/OperationDefinition/questionnaire-package";

    /** Claim $submit and $inquire are the Da Vinci PAS operations: name their definitions. */
    private static void pasOperations(CapabilityStatementRestResourceComponent claim) {
        for (var operation : claim.getOperation()) {
            if (operation.getName().equals("submit")) {
                operation.setDefinition(PasProfiles.OPERATION_SUBMIT);
            } else if (operation.getName().equals("inquire")) {
                operation.setDefinition(PasProfiles.OPERATION_INQUIRE);
            }
        }
    }

    /**
     * Subscriptions are the Backport IG's topic-based ones: its profile, its $status and $events, and the topics
     * (PAS names its one topic here, spec-66).
     */
    private void subscriptions(CapabilityStatementRestResourceComponent subscription) {
        subscription.addSupportedProfile(BackportProfiles.SUBSCRIPTION);
        for (var operation : subscription.getOperation()) {
            if (operation.getName().equals("status")) {
                operation.setDefinition(BackportProfiles.OPERATION_STATUS);
            } else if (operation.getName().equals("events")) {
                operation.setDefinition(BackportProfiles.OPERATION_EVENTS);
            }
        }
        for (String topic : topics) {
            subscription.addExtension(BackportProfiles.TOPIC_CANONICAL, new org.hl7.fhir.r4.model.CanonicalType(topic));
        }
    }

    /** The audit trail is read and searched, never written through the API, and searched by its own parameters. */
    private static void auditTrail(CapabilityStatementRestResourceComponent audit) {
        audit.getInteraction().removeIf(i -> i.getCode() != TypeRestfulInteraction.READ
                && i.getCode() != TypeRestfulInteraction.VREAD && i.getCode() != TypeRestfulInteraction.SEARCHTYPE
                && i.getCode() != TypeRestfulInteraction.HISTORYINSTANCE && i.getCode() != TypeRestfulInteraction.HISTORYTYPE);
        audit.setUpdateCreate(false);
        audit.setConditionalCreate(false);
        audit.setConditionalUpdate(false);
        audit.setConditionalDelete(CapabilityStatement.ConditionalDeleteStatus.NOTSUPPORTED);
        audit.setVersioning(CapabilityStatement.ResourceVersionPolicy.VERSIONED);
        audit.getSearchParam().removeIf(p -> !ResourceTypes.AUDIT_EVENT_SEARCH_PARAMS.contains(p.getName()));
        audit.getSearchInclude().clear();
        audit.getSearchRevInclude().clear();
    }

    private void complete(CapabilityStatementRestResourceComponent resource, String type) {
        resource.setVersioning(CapabilityStatement.ResourceVersionPolicy.VERSIONEDUPDATE);
        resource.setReadHistory(true);
        resource.setUpdateCreate(true);
        resource.setConditionalCreate(true);
        resource.setConditionalUpdate(true);
        resource.setConditionalDelete(CapabilityStatement.ConditionalDeleteStatus.MULTIPLE);
        resource.setConditionalRead(CapabilityStatement.ConditionalReadStatus.NOTSUPPORTED);
        if (resource.getInteraction().stream().noneMatch(i -> i.getCode() == TypeRestfulInteraction.SEARCHTYPE)) {
            resource.addInteraction(new ResourceInteractionComponent().setCode(TypeRestfulInteraction.SEARCHTYPE));
        }
        resource.getSearchParam().clear();
        List<String> includes = new ArrayList<>();
        includes.add("*");
        for (SearchParam sp : registry.params(type)) {
            var param = resource.addSearchParam()
                    .setName(sp.name())
                    .setType(Enumerations.SearchParamType.fromCode(sp.type().getCode()))
                    .setDocumentation(sp.description());
            if (!sp.uri().isEmpty()) {
                param.setDefinition(sp.uri());
            }
            if (sp.type() == RestSearchParameterTypeEnum.REFERENCE) {
                includes.add(type + ":" + sp.name());
            }
        }
        resource.getSearchInclude().clear();
        includes.forEach(resource::addSearchInclude);
        resource.getSearchRevInclude().clear();
        for (String source : registry.resourceTypes()) {
            if (source.equals(ResourceTypes.AUDIT_EVENT)) {
                continue; // the audit trail is searched by entity, not reached by _revinclude
            }
            for (SearchParam sp : registry.params(source)) {
                if (sp.type() == RestSearchParameterTypeEnum.REFERENCE
                        && (sp.targets().isEmpty() || sp.targets().contains(type))) {
                    resource.addSearchRevInclude(source + ":" + sp.name());
                }
            }
        }
        if (resource.hasSearchRevInclude()) {
            // Whatever another type can point to, it can be found by: the same pairs as _revinclude.
            resource.addSearchParam().setName("_has").setType(Enumerations.SearchParamType.SPECIAL)
                    .setDefinition("http://hl7.org/fhir/R4/search.html#has")
                    .setDocumentation("Reverse chaining, _has:[type]:[its reference parameter]:[its search parameter], over"
                            + " the pairs listed in searchRevInclude; needs a token that searches every resource of that type");
        }
    }
}
