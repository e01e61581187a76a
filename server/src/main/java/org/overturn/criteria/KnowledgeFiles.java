package org.overturn.criteria;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.jspecify.annotations.Nullable;

/**
 * Reads the YAML files under one knowledge root for a loader: each file's tree and version, and its bindings to typed
 * records. A file that is missing, not YAML, unversioned or does not bind adds a problem to the loader's list, named by
 * file and path, and yields null; nothing is thrown, so a loader can report every problem at once. Shared by
 * {@link KnowledgeLoader} and the law's loader, so both read and name problems alike.
 */
public final class KnowledgeFiles {
    private static final Set<String> VERIFICATIONS =
            Set.of(KnowledgeModel.VERIFIED, KnowledgeModel.SECONDARY, KnowledgeModel.UNVERIFIED);
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private final PathMatchingResourcePatternResolver resolver;
    private final String root;
    private final List<String> problems;
    private final Map<String, Integer> versions = new LinkedHashMap<>();

    /** {@code root} is a location such as {@code classpath*:knowledge/}; problems are added to {@code problems}. */
    public KnowledgeFiles(PathMatchingResourcePatternResolver resolver, String root, List<String> problems) {
        this.resolver = resolver;
        this.root = root;
        this.problems = problems;
    }

    /**
     * The one check of a sourced fact, for every loader of knowledge and law: it needs a source, and its verification
     * is one of verified, secondary or UNVERIFIED. Problems are added to {@code problems}, named by {@code at}.
     */
    public static void checkSourced(List<String> problems, String at, @Nullable String source, @Nullable String verification) {
        if (source == null || source.isBlank()) {
            problems.add(at + ": needs a source");
        }
        if (verification == null || !VERIFICATIONS.contains(verification)) {
            problems.add(at + ": verification must be one of " + VERIFICATIONS + ", not " + verification);
        }
    }

    /** The file {@code name} under the root, its version recorded; null when it is missing or not YAML. */
    public @Nullable JsonNode read(String name) {
        String location = root + name;
        Resource resource = resolver.getResource(location.replace("classpath*:", "classpath:"));
        if (!resource.exists()) {
            problems.add(location.substring(location.lastIndexOf('/') + 1) + ": file is missing");
            return null;
        }
        JsonNode node = tree(resource);
        if (node != null) {
            String file = resource.getFilename();
            if (!node.path("version").canConvertToInt() || node.path("version").asInt() < 1) {
                problems.add(file + ": needs a version (a whole number from 1)");
            } else {
                versions.put(file, node.path("version").asInt());
            }
        }
        return node;
    }

    /** The files under the root matching {@code pattern} (e.g. {@code policies/*.yaml}). */
    Resource[] resources(String pattern) throws IOException {
        return resolver.getResources(root + pattern);
    }

    @Nullable JsonNode tree(Resource resource) {
        try (InputStream in = resource.getInputStream()) {
            return yaml.readTree(in);
        } catch (IOException e) {
            problems.add(resource.getFilename() + ": not valid YAML (" + String.valueOf(e.getMessage()).split("\n")[0] + ")");
            return null;
        }
    }

    /** {@code node} bound to {@code type}; null when it does not bind, the problem named {@code where} and path. */
    public <T> @Nullable T convert(JsonNode node, Class<T> type, String where) {
        try {
            return yaml.treeToValue(node, type);
        } catch (JsonMappingException e) {
            problems.add(where + path(e) + ": " + e.getOriginalMessage().split("\n")[0]);
            return null;
        } catch (IOException | IllegalArgumentException e) {
            problems.add(where + ": " + String.valueOf(e.getMessage()).split("\n")[0]);
            return null;
        }
    }

    /** Where in the file a binding failed, e.g. " regimes[9].kind". */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                path.append(path.length() == 0 ? " " : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append("[").append(r.getIndex()).append("]");
            }
        }
        return path.toString();
    }

    /** The entries of the list {@code field} of {@code file} that bind to {@code type}; the others are problems. */
    public <T> List<T> list(@Nullable JsonNode file, String field, Class<T> type, String where) {
        List<T> out = new ArrayList<>();
        if (file == null) {
            return out;
        }
        int i = 0;
        for (JsonNode item : file.path(field)) {
            T value = convert(item, type, where + " " + field + "[" + i++ + "]");
            if (value != null) {
                out.add(value);
            }
        }
        return out;
    }

    /** Records the version of a file read with {@link #tree} (a policy carries its own). */
    void version(String file, int version) {
        versions.put(file, version);
    }

    /** The version of each file read so far, by its name under the root. */
    public Map<String, Integer> versions() {
        return Collections.unmodifiableMap(versions);
    }
}
