package org.overturn.profiles;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Questionnaire;
import org.springframework.core.io.ClassPathResource;

/**
 * Overturn's FHIR package (module fhir-profiles) as found on the classpath at {@code fhir/overturn/package/}: its
 * {@code .index.json} lists the files, which are parsed once.
 */
public final class FhirPackage {
    public static final String ROOT = "fhir/overturn/package/";

    private final List<IBaseResource> resources;

    private FhirPackage(List<IBaseResource> resources) {
        this.resources = List.copyOf(resources);
    }

    public static FhirPackage load(FhirContext ctx) {
        List<IBaseResource> resources = new ArrayList<>();
        JsonNode index = json(ROOT + ".index.json");
        for (JsonNode file : index.path("files")) {
            String name = file.path("filename").asText();
            resources.add(ctx.newJsonParser().parseResource(text(ROOT + name)));
        }
        return new FhirPackage(resources);
    }

    public List<IBaseResource> resources() {
        return resources;
    }

    public <T extends IBaseResource> List<T> resources(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The prior-authorization Questionnaire for a drug of the knowledge files, by the package's naming rule. */
    public Optional<Questionnaire> paQuestionnaire(String drugId) {
        return resources(Questionnaire.class).stream().filter(q -> q.getIdElement().getIdPart().equals("pa-" + drugId)).findFirst();
    }

    private static JsonNode json(String path) {
        try {
            return new ObjectMapper().readTree(text(path));
        } catch (IOException e) {
            throw new UncheckedIOException("fhir-profiles: " + path + " is not valid JSON", e);
        }
    }

    private static String text(String path) {
        try (InputStream in = new ClassPathResource(path).getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("fhir-profiles: " + path + " is missing from the classpath", e);
        }
    }
}
