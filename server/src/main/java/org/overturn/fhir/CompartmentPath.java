package org.overturn.fhir;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.ResourceTypes;
import org.overturn.store.SearchParam;
import org.overturn.store.SearchParameterRegistry;

/**
 * The path of a compartment search (R4 search.html#compartments), {@code [compartment]/[id]/[type]}: the type's
 * search narrowed to the members of one resource's compartment. Only the Patient compartment is indexed, as R4's
 * CompartmentDefinition for Patient names its members (the parameters {@link SearchParam#inPatientCompartment}).
 */
record CompartmentPath(String compartment, String id, String type) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern TYPE = Pattern.compile("\\*|[A-Z][A-Za-z]{1,63}");

    /** The compartment search {@code segments} (the path's first three, after the base) name, or null for none. */
    static @Nullable CompartmentPath of(String[] segments) {
        if (segments.length < 3 || !ResourceTypes.SUPPORTED.contains(segments[0]) || !ID.matcher(segments[1]).matches()
                || !TYPE.matcher(segments[2]).matches()) {
            return null;
        }
        return new CompartmentPath(segments[0], segments[1], segments[2]);
    }

    /** Refuses what the store cannot narrow: another compartment, every type at once, a type outside Patient's. */
    CompartmentPath check(SearchParameterRegistry registry) {
        if (!compartment.equals("Patient")) {
            throw refused("Only the Patient compartment can be searched (Patient/[id]/[type]); search " + type
                    + " with its own parameters instead");
        }
        if (type.equals("*")) {
            throw refused("A search across every type of a compartment (Patient/[id]/*) is not supported; search each"
                    + " type (Patient/[id]/[type])");
        }
        if (!ResourceTypes.SUPPORTED.contains(type)) {
            throw new OverturnException(ErrorCode.UNKNOWN_TYPE, "resource type '" + type + "' is not supported");
        }
        if (!type.equals("Patient") && registry.params(type).stream().noneMatch(SearchParam::inPatientCompartment)) {
            throw refused(type + " is not in the Patient compartment (R4 CompartmentDefinition/patient); search "
                    + type + " directly");
        }
        return this;
    }

    /** The path as the caller wrote it, which the links of the answer repeat. */
    String path() {
        return compartment + "/" + id + "/" + type;
    }

    private static OverturnException refused(String message) {
        return new OverturnException(ErrorCode.UNSUPPORTED_SEARCH, message);
    }
}
