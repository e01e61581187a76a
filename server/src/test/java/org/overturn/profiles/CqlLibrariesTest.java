package org.overturn.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cqframework.cql.cql2elm.CqlCompilerException;
import org.cqframework.cql.cql2elm.CqlCompilerOptions;
import org.cqframework.cql.cql2elm.CqlTranslator;
import org.cqframework.cql.cql2elm.LibraryManager;
import org.cqframework.cql.cql2elm.ModelManager;
import org.cqframework.cql.cql2elm.quick.FhirLibrarySourceProvider;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Library;
import org.junit.jupiter.api.Test;

/**
 * The CQL Libraries of the PA Questionnaires (Da Vinci DTR: a package carries each Library's CQL and its ELM). The CQL
 * sources in fhir-profiles ({@code fhir/overturn/cql/}) are the truth; each Library in the package holds one source
 * and the ELM the CQL translator makes of it. This test compiles every source without an error and fails when a
 * Library no longer holds its source or that source's ELM. To write the Libraries after changing a source:
 * {@code ./mvnw -pl server test -Dtest=CqlLibrariesTest -Doverturn.cql.write=true}.
 */
class CqlLibrariesTest {
    static final String CQL_ROOT = "/fhir/overturn/cql/";
    static final String URL = "http://overturn.example.org/fhir/Library/";
    static final String VERSION = "0.1.0";
    /** Each Library and what it is, the common one first (the others include it). */
    static final Map<String, String> TITLES = new java.util.LinkedHashMap<>(Map.of());

    static {
        TITLES.put("OverturnPaCommon", "What every PA Questionnaire asks of the chart");
        TITLES.put("OverturnPaAlectinib", "PA Questionnaire answers from the chart: Alecensa (alectinib)");
        TITLES.put("OverturnPaLarotrectinib", "PA Questionnaire answers from the chart: Vitrakvi (larotrectinib)");
        TITLES.put("OverturnPaInotuzumabOzogamicin",
                "PA Questionnaire answers from the chart: Besponsa (inotuzumab ozogamicin)");
        TITLES.put("OverturnPaZanzalintinib", "PA Questionnaire answers from the chart: zanzalintinib (XL092)");
    }

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * A library manager that finds FHIRHelpers in the translator and Overturn's Libraries among the CQL sources. The
     * translator's defaults less annotations and locators: they copy the source into the ELM, which an engine does not
     * read, and would triple each Library's size.
     */
    static LibraryManager libraryManager() {
        CqlCompilerOptions options = CqlCompilerOptions.defaultOptions();
        options.getOptions().remove(CqlCompilerOptions.Options.EnableAnnotations);
        options.getOptions().remove(CqlCompilerOptions.Options.EnableLocators);
        LibraryManager manager = new LibraryManager(new ModelManager(), options);
        manager.getLibrarySourceLoader().registerProvider(new FhirLibrarySourceProvider());
        manager.getLibrarySourceLoader().registerProvider(id -> CqlLibrariesTest.class.getResourceAsStream(CQL_ROOT + id.getId() + ".cql"));
        return manager;
    }

    static String source(String name) {
        try (InputStream in = CqlLibrariesTest.class.getResourceAsStream(CQL_ROOT + name + ".cql")) {
            assertThat(in).as("CQL source " + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ELM (JSON) of a source; fails with the translator's errors, line by line. */
    static String elm(String name) {
        CqlTranslator translator = CqlTranslator.fromText(source(name), libraryManager());
        List<String> errors = new ArrayList<>();
        for (CqlCompilerException e : translator.getErrors()) {
            errors.add(name + " line " + (e.getLocator() == null ? "?" : e.getLocator().getStartLine()) + ": " + e.getMessage());
        }
        assertThat(errors).as("CQL errors").isEmpty();
        try {
            return JSON.writeValueAsString(JSON.readTree(translator.toJson())); // compact: the translator indents
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Library the package should hold for a source. */
    static Library library(String name) {
        Library library = new Library();
        library.setId(name);
        library.setUrl(URL + name);
        library.setVersion(VERSION);
        library.setName(name);
        library.setTitle(TITLES.get(name));
        library.setStatus(org.hl7.fhir.r4.model.Enumerations.PublicationStatus.DRAFT);
        library.getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/library-type").setCode("logic-library");
        library.setDescription("CQL for a DTR app to pre-fill an Overturn prior-authorization Questionnaire from the"
                + " chart, with its ELM. FHIRHelpers 4.0.1 is the one published with FHIR R4 and is not included.");
        library.addRelatedArtifact().setType(org.hl7.fhir.r4.model.RelatedArtifact.RelatedArtifactType.DEPENDSON)
                .setDisplay("FHIRHelpers").setResource("http://hl7.org/fhir/Library/FHIRHelpers|4.0.1");
        if (!name.equals("OverturnPaCommon")) {
            library.addRelatedArtifact().setType(org.hl7.fhir.r4.model.RelatedArtifact.RelatedArtifactType.DEPENDSON)
                    .setDisplay("OverturnPaCommon").setResource(URL + "OverturnPaCommon|" + VERSION);
        }
        library.addContent(new Attachment().setContentType("text/cql").setData(source(name).getBytes(StandardCharsets.UTF_8)));
        library.addContent(new Attachment().setContentType("application/elm+json").setData(elm(name).getBytes(StandardCharsets.UTF_8)));
        return library;
    }

    @Test
    void librariesWhenTheirCqlIsCompiledThenNoErrorsAndThePackageHoldsEachSourceAndItsElm() throws IOException {
        boolean write = Boolean.getBoolean("overturn.cql.write");
        Map<String, Library> packaged = new TreeMap<>();
        FhirPackage.load(CTX).resources(Library.class).forEach(l -> packaged.put(l.getName(), l));
        for (String name : TITLES.keySet()) {
            Library expected = library(name);
            if (write) {
                Path file = Path.of("..", "fhir-profiles", "src", "main", "resources", "fhir", "overturn", "package",
                        "Library-" + name + ".json");
                Files.writeString(file, CTX.newJsonParser().setPrettyPrint(true).encodeResourceToString(expected) + "\n");
                continue;
            }
            Library actual = packaged.get(name);
            assertThat(actual).as("Library " + name + " in the package (write it: see this test's comment)").isNotNull();
            assertThat(actual.getUrl()).isEqualTo(expected.getUrl());
            assertThat(text(actual, "text/cql")).as(name + ": the packaged CQL is its source").isEqualTo(source(name));
            assertThat(text(actual, "application/elm+json")).as(name + ": the packaged ELM is its source's, translated now")
                    .isEqualTo(text(expected, "application/elm+json"));
        }
        assertThat(write).as("Libraries written; run again without -Doverturn.cql.write").isFalse();
    }

    private static String text(Library library, String contentType) {
        return library.getContent().stream().filter(a -> contentType.equals(a.getContentType())).findFirst()
                .map(a -> new String(a.getData(), StandardCharsets.UTF_8)).orElse("");
    }
}
