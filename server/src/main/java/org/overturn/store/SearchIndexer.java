package org.overturn.store;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.fhirpath.IFhirPath;
import ca.uhn.fhir.fhirpath.IFhirPathEvaluationContext;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Timing;
import org.hl7.fhir.r4.model.UriType;
import org.jspecify.annotations.Nullable;

/**
 * Derives the search index rows of a resource from the FHIRPath expressions of its search parameters. Nothing here
 * is written per resource type: a value's FHIR data type alone decides how it is indexed.
 */
final class SearchIndexer {
    private final FhirContext ctx;
    private final SearchParameterRegistry registry;
    // FHIRPath engines keep per-evaluation state; one per thread, parsed expressions are shared.
    private final ThreadLocal<IFhirPath> fhirPath;
    /** This server's base URLs, each ending in "/": an absolute reference under one of them is a local reference. */
    private final List<String> localBases;

    SearchIndexer(FhirContext ctx, SearchParameterRegistry registry) {
        this(ctx, registry, List.of());
    }

    /** @param localBases this server's FHIR base URLs (overturn.fhir.base-url); absolute references elsewhere are remote */
    SearchIndexer(FhirContext ctx, SearchParameterRegistry registry, List<String> localBases) {
        this.ctx = ctx;
        this.registry = registry;
        this.localBases = localBases.stream().map(b -> b.endsWith("/") ? b : b + "/").toList();
        this.fhirPath = ThreadLocal.withInitial(this::newFhirPath);
    }

    private IFhirPath newFhirPath() {
        IFhirPath engine = ctx.newFhirPath();
        engine.setEvaluationContext(new IFhirPathEvaluationContext() {
            // resolve() in "subject.where(resolve() is Patient)" only needs the target's type: hand back an empty
            // resource of the referenced type so such paths index the reference without reading the target.
            @Override
            public @Nullable IBase resolveReference(IIdType reference, @Nullable IBase context) {
                String type = reference.getResourceType();
                if (type == null || !ctx.getResourceTypes().contains(type)) {
                    return null;
                }
                IBaseResource target = ctx.getResourceDefinition(type).newInstance();
                target.setId(reference.toUnqualifiedVersionless());
                return target;
            }
        });
        return engine;
    }

    IndexRows index(IBaseResource resource) {
        String type = ctx.getResourceType(resource);
        IndexRows rows = new IndexRows();
        IFhirPath engine = fhirPath.get();
        for (SearchParam sp : registry.params(type)) {
            if (sp.isColumn() || sp.composite() != null || sp.components() != null) {
                continue;
            }
            for (IFhirPath.IParsedExpression path : registry.parsedPaths(sp)) {
                List<IBase> values;
                try {
                    values = engine.evaluate(resource, path, IBase.class);
                } catch (RuntimeException e) {
                    // A path the engine cannot evaluate on this instance indexes nothing rather than refusing a
                    // valid resource.
                    continue;
                }
                for (IBase value : values) {
                    add(rows, sp, value);
                }
            }
        }
        ComponentValues shared = new ComponentValues(engine, resource);
        for (SearchParam sp : registry.params(type)) {
            if (sp.composite() != null) {
                pairs(rows, sp.name(), sp.composite());
            } else if (sp.components() != null) {
                componentPairs(rows, shared, sp, sp.components());
            }
        }
        rows.patientId = patientCompartment(type, resource, rows);
        members(type, rows);
        return rows;
    }

    /** A composite evaluated on the resource itself pairs every value of its token component with every date. */
    private static void pairs(IndexRows rows, String name, SearchParam.TokenDate composite) {
        for (IndexRows.TokenRow token : rows.tokens) {
            if (!token.param().equals(composite.token().name()) || token.code() == null) {
                continue;
            }
            for (IndexRows.DateRow date : rows.dates) {
                if (date.param().equals(composite.date().name())) {
                    rows.tokenDates.add(new IndexRows.TokenDateRow(name, token.system(), token.code(), date.low(), date.high()));
                }
            }
        }
    }

    /**
     * The elements and component values of R4's composites on one resource, each path evaluated once: Observation's
     * eight composites share three element paths and five component expressions.
     */
    private final class ComponentValues {
        private final IFhirPath engine;
        private final IBaseResource resource;
        private final Map<String, List<IBase>> elements = new HashMap<>();
        private final Map<IBase, Map<String, IndexRows>> values = new IdentityHashMap<>();

        ComponentValues(IFhirPath engine, IBaseResource resource) {
            this.engine = engine;
            this.resource = resource;
        }

        List<IBase> elements(String text, IFhirPath.IParsedExpression path) {
            return elements.computeIfAbsent(text, t -> evaluate(engine, resource, path));
        }

        /** The rows the component's parameter would index for the values the expression yields on the element. */
        IndexRows values(IBase element, SearchParam component, String text, IFhirPath.IParsedExpression expression) {
            return values.computeIfAbsent(element, e -> new HashMap<>()).computeIfAbsent(component.type() + " " + text, k -> {
                IndexRows rows = new IndexRows();
                evaluate(engine, element, expression).forEach(v -> add(rows, component, v));
                return rows;
            });
        }
    }

    /**
     * An R4 composite: on each element its paths name (the Observation, each component), every token of the first
     * component paired with every value of the second, as their own parameters would index them (a UCUM quantity with
     * its canonical copy too). Values of different elements are never paired.
     */
    private void componentPairs(IndexRows rows, ComponentValues shared, SearchParam sp, SearchParam.Components components) {
        List<IFhirPath.IParsedExpression> parsed = registry.parsedPaths(sp);
        int n = parsed.size();
        String name = sp.name();
        for (int i = 0; i < n - 2; i++) {
            for (IBase element : shared.elements(sp.paths().get(i), parsed.get(i))) {
                IndexRows first = shared.values(element, components.first(), components.firstExpression(), parsed.get(n - 2));
                IndexRows second = shared.values(element, components.second(), components.secondExpression(), parsed.get(n - 1));
                for (IndexRows.TokenRow t : first.tokens) {
                    if (t.code() == null) {
                        continue;
                    }
                    for (IndexRows.TokenRow v : second.tokens) {
                        if (v.code() != null) {
                            rows.composites.add(new IndexRows.CompositeRow(name, t.system(), t.code(), v.system(), v.code(),
                                    null, null, null, null, null));
                        }
                    }
                    for (IndexRows.QuantityRow q : second.quantities) {
                        rows.composites.add(new IndexRows.CompositeRow(name, t.system(), t.code(), q.system(), q.code(),
                                q.value(), null, null, null, null));
                    }
                    for (IndexRows.DateRow d : second.dates) {
                        rows.composites.add(new IndexRows.CompositeRow(name, t.system(), t.code(), null, null, null,
                                d.low(), d.high(), null, null));
                    }
                    for (IndexRows.StringRow v : second.strings) {
                        rows.composites.add(new IndexRows.CompositeRow(name, t.system(), t.code(), null, null, null, null,
                                null, v.norm(), v.exact()));
                    }
                }
            }
        }
    }

    /** What a path yields on {@code input}; nothing when the engine cannot evaluate it on this instance. */
    private static List<IBase> evaluate(IFhirPath engine, IBase input, IFhirPath.IParsedExpression path) {
        try {
            return engine.evaluate(input, path, IBase.class);
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /**
     * Every member of the resource's Patient compartment: a Provenance whose target names two patients, an
     * Observation with one patient as subject and another as performer, belongs to each of them.
     */
    private void members(String type, IndexRows rows) {
        if (rows.patientId != null) {
            rows.compartments.add(rows.patientId);
        }
        for (IndexRows.ReferenceRow ref : rows.references) {
            SearchParam sp = registry.find(type, ref.param());
            if (sp != null && sp.inPatientCompartment() && "Patient".equals(ref.targetType())) {
                rows.compartments.add(ref.targetId());
            }
        }
    }

    /** Whether a compartment parameter of the resource names Patient/{@code id}. */
    private boolean names(IndexRows rows, String type, @Nullable String id) {
        for (IndexRows.ReferenceRow ref : rows.references) {
            SearchParam sp = registry.find(type, ref.param());
            if (sp != null && sp.inPatientCompartment() && "Patient".equals(ref.targetType())
                    && ref.targetId() != null && ref.targetId().equals(id)) {
                return true;
            }
        }
        return false;
    }

    private @Nullable String patientCompartment(String type, IBaseResource resource, IndexRows rows) {
        if (type.equals("Patient")) {
            return resource.getIdElement().getIdPart();
        }
        // The "patient" parameter first (Observation.subject, Coverage.beneficiary), whatever order the parameters
        // are indexed in: a performer or an author that is a patient is a further member, not the primary one.
        SearchParam patient = registry.find(type, "patient");
        boolean patientParamIsMember = patient != null && patient.inPatientCompartment();
        for (IndexRows.ReferenceRow ref : rows.references) {
            if (ref.param().equals("patient") && "Patient".equals(ref.targetType())
                    && (patientParamIsMember || names(rows, type, ref.targetId()))) {
                return ref.targetId();
            }
        }
        for (IndexRows.ReferenceRow ref : rows.references) {
            SearchParam sp = registry.find(type, ref.param());
            if (sp != null && sp.inPatientCompartment() && "Patient".equals(ref.targetType())) {
                return ref.targetId();
            }
        }
        // Types outside R4's Patient compartment (Task, Claim's insurer-side resources) still have a "patient"
        // parameter; using it keeps a case's rows together for a distributed database.
        for (IndexRows.ReferenceRow ref : rows.references) {
            if (ref.param().equals("patient") && "Patient".equals(ref.targetType())) {
                return ref.targetId();
            }
        }
        return null;
    }

    private void add(IndexRows rows, SearchParam sp, IBase value) {
        String name = sp.name();
        RestSearchParameterTypeEnum kind = sp.type();
        switch (kind) {
            case STRING -> strings(value, s -> rows.strings.add(new IndexRows.StringRow(name, Text.normalize(s), Text.cut(s))));
            case TOKEN -> tokens(rows, name, value);
            case REFERENCE -> reference(rows, name, value);
            case DATE -> {
                DateRange range;
                try {
                    range = dateRange(value);
                } catch (IllegalArgumentException e) {
                    // The parser lets some malformed dates through (a blank one): the client's to fix, not a 500.
                    throw new org.overturn.platform.OverturnException(org.overturn.platform.ErrorCode.MALFORMED_BODY,
                            sp.resourceType() + " (" + name + "): " + e.getMessage(), name);
                }
                if (range != null) {
                    rows.dates.add(new IndexRows.DateRow(name, range.low(), range.high()));
                }
            }
            case NUMBER, QUANTITY -> quantity(rows, name, value);
            case URI -> {
                if (value instanceof IPrimitiveType<?> p && p.getValueAsString() != null) {
                    rows.uris.add(new IndexRows.UriRow(name, p.getValueAsString()));
                }
            }
            default -> {}
        }
    }

    private interface Sink {
        void accept(String s);
    }

    private static void strings(IBase value, Sink sink) {
        List<String> out = new ArrayList<>();
        if (value instanceof HumanName n) {
            n.getGiven().forEach(g -> out.add(g.getValue()));
            n.getPrefix().forEach(g -> out.add(g.getValue()));
            n.getSuffix().forEach(g -> out.add(g.getValue()));
            out.add(n.getFamily());
            out.add(n.getText());
        } else if (value instanceof Address a) {
            a.getLine().forEach(l -> out.add(l.getValue()));
            out.add(a.getCity());
            out.add(a.getDistrict());
            out.add(a.getState());
            out.add(a.getPostalCode());
            out.add(a.getCountry());
            out.add(a.getText());
        } else if (value instanceof CodeableConcept cc) {
            out.add(cc.getText());
        } else if (value instanceof IPrimitiveType<?> p) {
            out.add(p.getValueAsString());
        }
        for (String s : out) {
            if (s != null && !s.isBlank()) {
                sink.accept(s);
            }
        }
    }

    private static void tokens(IndexRows rows, String param, IBase value) {
        if (value instanceof CodeableConcept cc) {
            String text = cc.hasText() ? Text.normalize(cc.getText()) : null;
            for (Coding c : cc.getCoding()) {
                rows.tokens.add(token(param, c.getSystem(), c.getCode(), c.hasDisplay() ? c.getDisplay() : null));
            }
            if (text != null) {
                rows.tokens.add(new IndexRows.TokenRow(param, null, null, text));
            }
        } else if (value instanceof Coding c) {
            rows.tokens.add(token(param, c.getSystem(), c.getCode(), c.hasDisplay() ? c.getDisplay() : null));
        } else if (value instanceof Identifier id) {
            String typeText = id.getType().hasText() ? id.getType().getText() : null;
            rows.tokens.add(token(param, id.getSystem(), id.getValue(), typeText));
        } else if (value instanceof ContactPoint cp) {
            rows.tokens.add(token(param, cp.hasSystem() ? cp.getSystem().toCode() : null, cp.getValue(), null));
        } else if (value instanceof Enumeration<?> e) {
            if (e.getValue() != null) { // a code element sent as {} or with an extension only has no code to index
                rows.tokens.add(token(param, e.getSystem(), e.getValueAsString(), null));
            }
        } else if (value instanceof BooleanType b) {
            rows.tokens.add(token(param, null, b.getValueAsString(), null));
        } else if (value instanceof IPrimitiveType<?> p) {
            rows.tokens.add(token(param, null, p.getValueAsString(), null));
        }
    }

    private static IndexRows.TokenRow token(
            String param, @Nullable String system, @Nullable String code, @Nullable String display) {
        return new IndexRows.TokenRow(
                param,
                system == null ? null : Text.cut(system),
                code == null ? null : Text.cut(code),
                display == null ? null : Text.normalize(display));
    }

    private void reference(IndexRows rows, String param, IBase value) {
        if (value instanceof Reference ref) {
            if (!ref.hasReference() || ref.getReference().startsWith("#")) {
                return;
            }
            IIdType id = ref.getReferenceElement();
            String url = ref.getReference();
            if (id.hasResourceType() && id.hasIdPart() && !id.isAbsolute()) {
                rows.references.add(new IndexRows.ReferenceRow(param, id.getResourceType(), id.getIdPart(), url));
            } else if (id.isAbsolute() && id.hasResourceType() && id.hasIdPart() && isLocal(url)) {
                rows.references.add(new IndexRows.ReferenceRow(param, id.getResourceType(), id.getIdPart(), url));
            } else {
                // Another server's Patient/p1 is not ours: found by its URL only, and it places nothing in a
                // compartment here.
                rows.references.add(new IndexRows.ReferenceRow(param, null, null, url));
            }
        } else if (value instanceof UriType uri && uri.getValue() != null) {
            rows.references.add(new IndexRows.ReferenceRow(param, null, null, uri.getValue()));
        }
    }

    private boolean isLocal(String url) {
        for (String base : localBases) {
            if (url.startsWith(base) && url.indexOf('/', base.length()) > 0) {
                return true;
            }
        }
        return false;
    }

    static @Nullable DateRange dateRange(IBase value) {
        if (value instanceof BaseDateTimeType dt) {
            return dt.getValueAsString() == null ? null : DateRange.parse(dt.getValueAsString());
        }
        if (value instanceof Period p) {
            if (!p.hasStart() && !p.hasEnd()) {
                return null;
            }
            return DateRange.between(
                    p.hasStart() ? DateRange.parse(p.getStartElement().getValueAsString()) : null,
                    p.hasEnd() ? DateRange.parse(p.getEndElement().getValueAsString()) : null);
        }
        if (value instanceof Timing t) {
            DateRange span = null;
            for (var event : t.getEvent()) {
                if (event.getValueAsString() != null) {
                    DateRange r = DateRange.parse(event.getValueAsString());
                    span = span == null ? r : DateRange.between(min(span, r), max(span, r));
                }
            }
            if (span == null && t.getRepeat().hasBoundsPeriod()) {
                return dateRange(t.getRepeat().getBoundsPeriod());
            }
            return span;
        }
        return null;
    }

    private static DateRange min(DateRange a, DateRange b) {
        return a.low().isBefore(b.low()) ? a : b;
    }

    private static DateRange max(DateRange a, DateRange b) {
        return a.high().isAfter(b.high()) ? a : b;
    }

    private static void quantity(IndexRows rows, String param, IBase value) {
        if (value instanceof Quantity q && q.hasValue()) {
            rows.quantities.add(new IndexRows.QuantityRow(param, q.getValue(), q.getSystem(), q.hasCode() ? q.getCode() : q.getUnit()));
            if (q.hasCode() && q.hasUnit() && !q.getUnit().equals(q.getCode())) {
                // Search by the human unit ("mg") must also work when the code differs.
                rows.quantities.add(new IndexRows.QuantityRow(param, q.getValue(), null, q.getUnit()));
            }
            if (UcumCanonical.SYSTEM.equals(q.getSystem()) && q.hasCode()) {
                // Also in canonical units, for a search stated in another unit of the same dimension.
                UcumCanonical.of(q.getValue(), q.getCode())
                        .filter(c -> !c.code().equals(q.getCode()))
                        .ifPresent(c -> rows.quantities.add(new IndexRows.QuantityRow(param, c.value(), UcumCanonical.INDEX_SYSTEM, c.code())));
            }
        } else if (value instanceof Money m && m.hasValue()) {
            rows.quantities.add(new IndexRows.QuantityRow(param, m.getValue(), "urn:iso:std:iso:4217", m.getCurrency()));
        } else if (value instanceof Range r) {
            if (r.getLow().hasValue()) {
                quantity(rows, param, r.getLow());
            }
            if (r.getHigh().hasValue()) {
                quantity(rows, param, r.getHigh());
            }
        } else if (value instanceof DecimalType d && d.getValue() != null) {
            rows.quantities.add(new IndexRows.QuantityRow(param, d.getValue(), null, null));
        } else if (value instanceof IntegerType i && i.getValue() != null) {
            rows.quantities.add(new IndexRows.QuantityRow(param, BigDecimal.valueOf(i.getValue()), null, null));
        }
    }
}
