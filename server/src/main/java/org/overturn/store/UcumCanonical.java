package org.overturn.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Optional;
import org.fhir.ucum.Decimal;
import org.fhir.ucum.Pair;
import org.fhir.ucum.UcumEssenceService;
import org.fhir.ucum.UcumException;
import org.fhir.ucum.UcumService;

/**
 * UCUM quantities in canonical units (search.html#quantity: a search in UCUM units matches values stated in other
 * units of the same dimension): 1.6 g/L is indexed also as 1600 g.m-3 (under {@link #INDEX_SYSTEM}), and
 * {@code gt150|http://unitsofmeasure.org|mg/dL} is searched as above 150 mg/dL or above 1500 g.m-3. The UCUM essence and its conversion are the {@code org.fhir:ucum} library's; this
 * class keeps the factor of each unit code, so a write pays a multiplication, not a parse. Units with an offset from
 * zero (Cel, [degF]) have no factor and are compared in their own code only.
 */
final class UcumCanonical {
    static final String SYSTEM = "http://unitsofmeasure.org";
    /**
     * The system of the extra index row in canonical units: not UCUM's own, so that a search by number alone and a
     * sort see only the values as written (1.6, not 1600), while a search in UCUM units sees both.
     */
    static final String INDEX_SYSTEM = "urn:overturn:ucum-canonical";

    /** A value in canonical units; {@code code} "1" for a dimensionless one (UCUM's unity). */
    record Value(BigDecimal value, String code) {}

    private record Factor(BigDecimal factor, String code) {}

    private static final UcumService UCUM = load();
    /** Unit codes come from clients: bounded, and an unknown code is remembered as such. */
    private static final Cache<String, Optional<Factor>> FACTORS = Caffeine.newBuilder().maximumSize(2_000).build();

    private UcumCanonical() {}

    /** The value in canonical units, or empty when the code is not a UCUM unit that converts by a factor. */
    static Optional<Value> of(BigDecimal value, String code) {
        return factor(code).map(f -> new Value(value.multiply(f.factor()).stripTrailingZeros(), f.code()));
    }

    private static Optional<Factor> factor(String code) {
        if (code.isEmpty() || code.length() > 100) {
            return Optional.empty();
        }
        return FACTORS.get(code, UcumCanonical::compute);
    }

    private static Optional<Factor> compute(String code) {
        try {
            Pair canonical = UCUM.getCanonicalForm(new Pair(new Decimal("1"), code));
            if (canonical == null || canonical.getValue() == null) {
                return Optional.empty();
            }
            String unit = canonical.getCode() == null || canonical.getCode().isEmpty() ? "1" : canonical.getCode();
            // A unit with an offset (Cel) throws above; a factor of 1 in another code is still a conversion (mL/mL).
            return Optional.of(new Factor(new BigDecimal(canonical.getValue().asDecimal()), unit));
        } catch (UcumException | RuntimeException e) {
            return Optional.empty(); // not a UCUM unit this library converts: compared by its code alone
        }
    }

    private static UcumService load() {
        try (InputStream essence = UcumEssenceService.class.getResourceAsStream("/ucum-essence.xml")) {
            if (essence == null) {
                throw new IllegalStateException("ucum-essence.xml is missing from the org.fhir:ucum library");
            }
            return new UcumEssenceService(essence);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (UcumException e) {
            throw new IllegalStateException("the UCUM essence could not be read", e);
        }
    }
}
