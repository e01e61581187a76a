package org.overturn.fhir;

import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.Delete;
import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Since;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.annotation.Validate;
import ca.uhn.fhir.rest.api.ValidationModeEnum;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import java.util.Date;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.overturn.platform.RequiredElements;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.platform.Outcomes;
import org.overturn.profiles.ProfileValidation;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;
import org.overturn.store.WriteResult;
import org.jspecify.annotations.Nullable;

/**
 * The REST interactions of one resource type. One instance per supported type; nothing here is type-specific.
 * Public because HAPI binds its annotated methods reflectively.
 */
final class ResourceProvider implements IResourceProvider {
    private final Class<? extends IBaseResource> type;
    private final String typeName;
    private final ResourceStore store;
    private final RequiredElements validator;
    private final FhirInteractions interactions;
    private final ProfileValidation validation;
    private final WriteValidation writes;

    ResourceProvider(
            Class<? extends IBaseResource> type,
            String typeName,
            ResourceStore store,
            RequiredElements validator,
            FhirInteractions interactions,
            ProfileValidation validation,
            WriteValidation writes) {
        this.type = type;
        this.typeName = typeName;
        this.store = store;
        this.validator = validator;
        this.interactions = interactions;
        this.validation = validation;
        this.writes = writes;
    }

    /**
     * {@code POST [type]/$validate} and {@code POST [type]/[id]/$validate}: the resource's issues against R4 and, when
     * {@code profile} is given, that profile (this package's or a core one). Answered 200 with an OperationOutcome
     * whether the resource is valid or not, as the operation's definition says; a 4xx means the validation itself could
     * not be done (an unknown profile, a resource of another type, a body the FHIR parser cannot read, which includes a
     * code HAPI's model holds as an enumeration, such as Patient.gender). At instance level the resource must exist
     * (404 otherwise, as a read would answer); {@code mode=update} checks that the body names the same id, and
     * {@code mode=delete} (no body) answers whether the resource may be deleted: nothing forbids it beyond what a
     * delete itself checks. Nothing is stored.
     */
    @Validate
    public MethodOutcome validate(
            @ResourceParam @Nullable IBaseResource resource,
            @IdParam(optional = true) @Nullable IIdType id,
            @Validate.Mode @Nullable ValidationModeEnum mode,
            @Validate.Profile @Nullable String profile) {
        // The instance asked about, when the call is at instance level.
        String instance = id != null && id.hasIdPart() ? id.getIdPart() : null;
        if (instance != null) {
            store.read(typeName, instance); // 404 (or 410) as a read: the instance must exist and be the caller's to see
        }
        if (mode == ValidationModeEnum.DELETE) {
            if (instance == null) {
                throw new OverturnException(ErrorCode.INVALID_REQUEST, "$validate with mode=delete names the resource to delete:"
                        + " POST " + typeName + "/[id]/$validate?mode=delete");
            }
            return outcome(Outcomes.information("Nothing forbids deleting " + typeName + "/" + instance
                    + " beyond what the delete itself checks (the token's scopes)"));
        }
        if (resource == null) {
            throw new OverturnException(ErrorCode.INVALID_REQUEST, "$validate needs the resource to validate in the body");
        }
        if (!resource.fhirType().equals(typeName)) {
            throw new OverturnException(ErrorCode.INVALID_REQUEST, "$validate on " + typeName + " was sent a "
                    + resource.fhirType() + "; post it to " + resource.fhirType() + "/$validate");
        }
        if (profile != null && !profile.isBlank() && !validation.knowsProfile(profile)) {
            throw new OverturnException(ErrorCode.INVALID_REQUEST, "Unknown profile " + profile + ": this server"
                    + " validates against the core R4 profiles and those of its own package (see the CapabilityStatement)");
        }
        OperationOutcome issues = validation.validate(resource, profile);
        if (instance != null && mode == ValidationModeEnum.UPDATE && resource.getIdElement().hasIdPart()
                && !resource.getIdElement().getIdPart().equals(instance)) {
            // As an update would refuse it: the body must name the instance it replaces.
            issues.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.INVALID)
                    .setDiagnostics("The resource's id '" + resource.getIdElement().getIdPart() + "' is not the id of "
                            + typeName + "/" + instance + "; an update must name the resource it replaces")
                    .addExpression(typeName + ".id");
        }
        return outcome(issues);
    }

    private static MethodOutcome outcome(OperationOutcome issues) {
        MethodOutcome outcome = new MethodOutcome();
        outcome.setOperationOutcome(issues);
        return outcome;
    }

    @Override
    public Class<? extends IBaseResource> getResourceType() {
        return type;
    }

    @Read(version = true)
    public IBaseResource read(@IdParam IIdType id) {
        StoredResource stored = id.hasVersionIdPart()
                ? store.vread(typeName, id.getIdPart(), FhirInteractions.version(id.getVersionIdPart()))
                : store.read(typeName, id.getIdPart());
        return interactions.resourceOf(stored);
    }

    @Create
    public MethodOutcome create(@ResourceParam IBaseResource resource, @ConditionalUrlParam @Nullable String condition) {
        validator.check(resource);
        writes.check(resource);
        resource.setId((IIdType) null); // a create never takes the client's id
        WriteResult result = store.create(resource, FhirInteractions.conditionQuery(condition));
        return FhirInteractions.outcome(result);
    }

    @Update
    public MethodOutcome update(
            @IdParam @Nullable IIdType id,
            @ResourceParam IBaseResource resource,
            @ConditionalUrlParam @Nullable String condition) {
        validator.check(resource);
        writes.check(resource);
        WriteResult result;
        if (id == null || !id.hasIdPart()) {
            result = store.conditionalUpdate(typeName, FhirInteractions.requireCondition(condition), resource);
        } else {
            Long ifMatch = id.hasVersionIdPart() ? FhirInteractions.version(id.getVersionIdPart()) : null;
            result = store.update(typeName, id.getIdPart(), resource, ifMatch);
        }
        return FhirInteractions.outcome(result);
    }

    @Delete
    public MethodOutcome delete(
            @IdParam @Nullable IIdType id, @ConditionalUrlParam @Nullable String condition, RequestDetails request) {
        if (id == null || !id.hasIdPart()) {
            int deleted = store.conditionalDelete(typeName, FhirInteractions.requireCondition(condition));
            return FhirInteractions.deletedOutcome(deleted + " " + typeName + " resource(s) deleted");
        }
        Long ifMatch = FhirInteractions.ifMatch(request);
        WriteResult result = store.delete(typeName, id.getIdPart(), ifMatch);
        return FhirInteractions.deletedOutcome(
                result.kind() == WriteResult.Kind.ALREADY_DELETED
                        ? typeName + "/" + id.getIdPart() + " was already deleted"
                        : "Deleted " + result.stored().versionedReference());
    }

    @History
    public IBundleProvider instanceHistory(
            @IdParam IIdType id, @Since @Nullable Date since, @Count @Nullable Integer count, RequestDetails request) {
        return interactions.history(typeName, id.getIdPart(), since, count, request);
    }

    @History
    public IBundleProvider typeHistory(
            @Since @Nullable Date since, @Count @Nullable Integer count, RequestDetails request) {
        return interactions.history(typeName, null, since, count, request);
    }

    @Search(allowUnknownParams = true)
    public Bundle search(RequestDetails request) {
        return interactions.search(typeName, request);
    }
}
