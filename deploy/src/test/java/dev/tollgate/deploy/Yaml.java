package dev.tollgate.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads YAML documents as plain maps and lists, and walks them by path. */
final class Yaml {

    static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());

    private Yaml() {
    }

    /** Every non-empty document of a multi-document YAML string. */
    static List<Map<String, Object>> documents(String yaml) {
        try (MappingIterator<Map<String, Object>> it = MAPPER.readerFor(new TypeReference<Map<String, Object>>() { })
                .readValues(yaml)) {
            List<Map<String, Object>> docs = new ArrayList<>();
            while (it.hasNext()) {
                Map<String, Object> doc = it.next();
                if (doc != null && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> file(Path path) {
        try {
            List<Map<String, Object>> docs = documents(Files.readString(path));
            if (docs.size() != 1) {
                throw new IllegalStateException(path + " holds " + docs.size() + " documents, not one");
            }
            return docs.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The value at a dotted path of map keys, or null when any step is missing. */
    @SuppressWarnings("unchecked")
    static <T> T at(Object node, String path) {
        Object current = node;
        for (String key : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return (T) current;
    }

    static Map<String, Object> map(Object node, String path) {
        Map<String, Object> value = at(node, path);
        return value == null ? Map.of() : value;
    }

    static List<Map<String, Object>> list(Object node, String path) {
        List<Map<String, Object>> value = at(node, path);
        return value == null ? List.of() : value;
    }
}
