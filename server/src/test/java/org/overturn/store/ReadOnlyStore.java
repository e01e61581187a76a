package org.overturn.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;

/**
 * A store holding a few resources in memory, for unit tests of code that only reads by id: {@code read}, {@code find}
 * and {@code supports} answer as the real store does; any other call fails the test, so a code path that searches or
 * writes is noticed rather than faked.
 */
public final class ReadOnlyStore {
    private ReadOnlyStore() {}

    public static ResourceStore of(Resource... resources) {
        Map<String, Resource> stored = new LinkedHashMap<>();
        for (Resource r : resources) {
            stored.put(r.fhirType() + "/" + r.getIdElement().getIdPart(), r);
        }
        InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
            case "read" -> {
                Resource r = stored.get(args[0] + "/" + args[1]);
                if (r == null) {
                    throw new OverturnException(ErrorCode.NOT_FOUND, args[0] + "/" + args[1] + " is not stored");
                }
                // As the real store reads: a fresh copy, its id with type and version.
                Resource copy = r.copy();
                copy.setId(new IdType((String) args[0], (String) args[1], "1"));
                yield new StoredResource((String) args[0], (String) args[1], 1, Instant.EPOCH, false, copy);
            }
            case "supports" -> true;
            case "find" -> InvocationHandler.invokeDefault(proxy, method, args);
            case "toString" -> "ReadOnlyStore" + stored.keySet();
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> throw new UnsupportedOperationException("ReadOnlyStore." + method.getName() + ": only reads by id were expected");
        };
        return (ResourceStore) Proxy.newProxyInstance(ResourceStore.class.getClassLoader(), new Class<?>[] {ResourceStore.class}, handler);
    }
}
