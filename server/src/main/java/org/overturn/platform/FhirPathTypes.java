package org.overturn.platform;

import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BackboneType;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.StructureDefinition.StructureDefinitionKind;
import org.hl7.fhir.r4.model.StructureDefinition.TypeDerivationRule;
import org.jspecify.annotations.Nullable;

/**
 * The R4 type system as the FHIRPath engine needs it: for every resource and data type a StructureDefinition with
 * its name, kind, base type and whether it is abstract, and nothing else, built from HAPI's own model classes.
 *
 * <p>Why: FHIRPath looks types up only to answer {@code is}, {@code as} and {@code ofType}. Without this, HAPI loads
 * every R4 StructureDefinition in full (about 26 MB of XML) into each context on first use, which on two cores costs
 * some five seconds of start-up and over a hundred megabytes of memory for elements FHIRPath never reads.
 * {@code FhirPathTypesTest} holds every definition here against HAPI's full ones.
 */
public final class FhirPathTypes implements IValidationSupport {
    private static final String BASE = "http://hl7.org/fhir/StructureDefinition/";
    /** The R4 primitive types that specialise another primitive rather than Element (FHIR R4, datatypes.html). */
    private static final Map<String, String> PRIMITIVE_BASES = Map.of(
            "code", "string", "id", "string", "markdown", "string",
            "positiveInt", "integer", "unsignedInt", "integer",
            "canonical", "uri", "oid", "uri", "url", "uri", "uuid", "uri");
    /** The R4 resources that are not DomainResources (FHIR R4, resourcelist.html). */
    private static final Set<String> NOT_DOMAIN_RESOURCES = Set.of("Binary", "Bundle", "Parameters");
    /** The R4 data types that are profiles of Quantity rather than types of their own (FHIR R4, datatypes.html). */
    private static final Set<String> QUANTITY_PROFILES = Set.of("SimpleQuantity", "MoneyQuantity");

    private final FhirContext ctx;
    private volatile @Nullable Map<String, StructureDefinition> byUrl;

    public FhirPathTypes(FhirContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public FhirContext getFhirContext() {
        return ctx;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends IBaseResource> List<T> fetchAllStructureDefinitions() {
        return (List<T>) new ArrayList<>(definitions().values());
    }

    /**
     * As HAPI's full definitions answer: a primitive type named with a capital is found too (R4's own code-value-date
     * casts its value with {@code as(DateTime)}; without this the engine refused the cast on every Observation).
     */
    @Override
    public @Nullable IBaseResource fetchStructureDefinition(String url) {
        Map<String, StructureDefinition> all = definitions();
        StructureDefinition found = all.get(url);
        if (found == null && url.startsWith(BASE) && url.length() > BASE.length()
                && Character.isUpperCase(url.charAt(BASE.length()))) {
            found = all.get(BASE + Character.toLowerCase(url.charAt(BASE.length())) + url.substring(BASE.length() + 1));
        }
        return found;
    }

    private Map<String, StructureDefinition> definitions() {
        Map<String, StructureDefinition> all = byUrl;
        if (all == null) {
            synchronized (this) {
                all = byUrl;
                if (all == null) {
                    all = build();
                    byUrl = all;
                }
            }
        }
        return all;
    }

    private Map<String, StructureDefinition> build() {
        Map<String, StructureDefinition> all = new LinkedHashMap<>();
        put(all, "Element", null, StructureDefinitionKind.COMPLEXTYPE, true);
        put(all, "BackboneElement", "Element", StructureDefinitionKind.COMPLEXTYPE, true);
        put(all, "Resource", null, StructureDefinitionKind.RESOURCE, true);
        put(all, "DomainResource", "Resource", StructureDefinitionKind.RESOURCE, true);
        for (String type : ctx.getResourceTypes()) {
            // From the names alone: scanning every resource model would cost more than all the rest of this.
            put(all, type, NOT_DOMAIN_RESOURCES.contains(type) ? "Resource" : "DomainResource", StructureDefinitionKind.RESOURCE, false);
        }
        // An initialised context has scanned every data type.
        for (BaseRuntimeElementDefinition<?> def : ctx.getElementDefinitions()) {
            switch (def.getChildType()) {
                case PRIMITIVE_DATATYPE, ID_DATATYPE, PRIMITIVE_XHTML_HL7ORG -> put(all, def.getName(),
                        PRIMITIVE_BASES.getOrDefault(def.getName(), "Element"), StructureDefinitionKind.PRIMITIVETYPE, false);
                case COMPOSITE_DATATYPE -> composite(all, def);
                default -> {
                    // resource blocks and the rest are not types FHIRPath can name
                }
            }
        }
        return Map.copyOf(all);
    }

    private void composite(Map<String, StructureDefinition> all, BaseRuntimeElementDefinition<?> def) {
        Class<?> model = def.getImplementingClass();
        Class<?> parent = model.getSuperclass();
        BaseRuntimeElementDefinition<?> parentDef = ctx.getElementDefinition(parent.getSimpleName());
        String base;
        if (parentDef != null && parentDef.getImplementingClass() == parent) {
            base = parentDef.getName(); // Age, Count, Distance, Duration and the two profiles: Quantity
        } else {
            base = BackboneType.class.isAssignableFrom(model) ? "BackboneElement" : "Element";
        }
        StructureDefinition sd = sd(def.getName(), base, StructureDefinitionKind.COMPLEXTYPE, Modifier.isAbstract(model.getModifiers()));
        if (QUANTITY_PROFILES.contains(def.getName())) {
            sd.setType(base).setDerivation(TypeDerivationRule.CONSTRAINT);
        }
        all.put(sd.getUrl(), sd);
    }

    private static void put(Map<String, StructureDefinition> all, String name, @Nullable String base,
            StructureDefinitionKind kind, boolean isAbstract) {
        StructureDefinition sd = sd(name, base, kind, isAbstract);
        all.put(sd.getUrl(), sd);
    }

    private static StructureDefinition sd(String name, @Nullable String base, StructureDefinitionKind kind, boolean isAbstract) {
        StructureDefinition sd = new StructureDefinition();
        sd.setUrl(BASE + name).setName(name).setType(name).setKind(kind).setAbstract(isAbstract).setFhirVersion(FHIRVersion._4_0_1);
        if (base != null) { // Element and Resource are the roots
            sd.setBaseDefinition(BASE + base).setDerivation(TypeDerivationRule.SPECIALIZATION);
        }
        return sd;
    }
}
