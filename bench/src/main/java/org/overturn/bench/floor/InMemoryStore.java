package org.overturn.bench.floor;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.jspecify.annotations.Nullable;

/** Resources by "Type/id"; no versions, no indexes, no durability. */
final class InMemoryStore {
    private final FhirContext ctx;
    private final Map<String, IBaseResource> resources = new ConcurrentHashMap<>();

    InMemoryStore(FhirContext ctx) {
        this.ctx = ctx;
    }

    IBaseResource put(IBaseResource resource, String id) {
        String type = ctx.getResourceType(resource);
        resource.setId(new IdType(type, id, "1"));
        resources.put(type + "/" + id, resource);
        return resource;
    }

    IBaseResource create(IBaseResource resource) {
        return put(resource, UUID.randomUUID().toString());
    }

    @Nullable IBaseResource get(String type, String id) {
        return resources.get(type + "/" + id);
    }

    List<IBaseResource> all(String type) {
        return resources.entrySet().stream().filter(e -> e.getKey().startsWith(type + "/")).map(Map.Entry::getValue).toList();
    }
}
