package dev.tollgate.schemas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Checks that the current schemas stay BACKWARD compatible with a released set: a consumer on the new schema
 * must read every event written with the old one, because billing and replays read topics that hold both.
 */
public final class SchemaCompatibility {

    private SchemaCompatibility() {
    }

    /** One problem found: the schema's full name and what breaks. */
    public record Incompatibility(String schema, String reason) {
    }

    /**
     * Loads every {@code .avsc} under {@code dir}, shared types in {@code common/} first, keyed by full name.
     */
    public static Map<String, Schema> load(Path dir) throws IOException {
        Schema.Parser parser = new Schema.Parser();
        Map<String, Schema> loaded = new LinkedHashMap<>();
        for (Path file : schemaFiles(dir)) {
            Schema schema = parser.parse(file.toFile());
            loaded.put(schema.getFullName(), schema);
        }
        return loaded;
    }

    /**
     * Every released schema must still be present and readable by its current version.
     */
    public static List<Incompatibility> checkBackward(Map<String, Schema> released, Map<String, Schema> current) {
        List<Incompatibility> problems = new ArrayList<>();
        released.forEach((name, writer) -> {
            Schema reader = current.get(name);
            if (reader == null) {
                problems.add(new Incompatibility(name, "schema was removed; released events can no longer be read"));
                return;
            }
            var result = org.apache.avro.SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
            if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
                problems.add(new Incompatibility(name, result.getResult().getIncompatibilities().toString()));
            }
        });
        return problems;
    }

    private static List<Path> schemaFiles(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        Path common = dir.resolve("common");
        if (Files.isDirectory(common)) {
            files.addAll(list(common));
        }
        files.addAll(list(dir));
        return files;
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
        }
    }
}
