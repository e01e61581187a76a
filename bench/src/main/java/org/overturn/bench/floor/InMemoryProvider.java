package org.overturn.bench.floor;

import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Observation;

/** Read, create and the one search the benchmark uses (Observation by patient and code), over the in-memory map. */
public final class InMemoryProvider implements IResourceProvider {
    private final Class<? extends IBaseResource> type;
    private final InMemoryStore store;

    InMemoryProvider(Class<? extends IBaseResource> type, InMemoryStore store) {
        this.type = type;
        this.store = store;
    }

    @Override
    public Class<? extends IBaseResource> getResourceType() {
        return type;
    }

    @Read
    public IBaseResource read(@IdParam IIdType id) {
        IBaseResource found = store.get(id.getResourceType() == null ? type.getSimpleName() : id.getResourceType(), id.getIdPart());
        if (found == null) {
            throw new ResourceNotFoundException(id);
        }
        return found;
    }

    @Create
    public MethodOutcome create(@ResourceParam IBaseResource resource) {
        IBaseResource created = store.create(resource);
        return new MethodOutcome(created.getIdElement()).setCreated(true).setResource(created);
    }

    @Search
    public List<IBaseResource> search(
            @OptionalParam(name = "patient") ReferenceParam patient, @OptionalParam(name = "code") TokenParam code) {
        return store.all(type.getSimpleName()).stream()
                .filter(r -> patient == null || (r instanceof Observation o
                        && o.getSubject().getReferenceElement().getIdPart() != null
                        && o.getSubject().getReferenceElement().getIdPart().equals(patient.getIdPart())))
                .filter(r -> code == null || (r instanceof Observation o && o.getCode().getCoding().stream()
                        .anyMatch(c -> code.getValue().equals(c.getCode())
                                && (code.getSystem() == null || code.getSystem().equals(c.getSystem())))))
                .toList();
    }
}
