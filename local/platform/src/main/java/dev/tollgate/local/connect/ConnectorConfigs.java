package dev.tollgate.local.connect;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The connector configurations of a folder such as {@code connectors/warehouse/config/postgres}: one JSON file per
 * connector, in the shape {@code POST /connectors} takes ({@code {"name": ..., "config": {...}}}), so the same
 * files can be sent to any worker with curl. Values may read the worker's environment through {@code ${env:NAME}}.
 */
public final class ConnectorConfigs {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConnectorConfigs() {
    }

    /** Every connector of {@code folder}, by name, in file-name order. */
    public static Map<String, Map<String, String>> load(Path folder) {
        Map<String, Map<String, String>> connectors = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> json = files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
            for (Path file : json) {
                Connector connector = JSON.readValue(file.toFile(), new TypeReference<>() { });
                if (connector.name() == null || connector.config() == null || connector.config().isEmpty()) {
                    throw new IllegalStateException(file + " must hold {\"name\": ..., \"config\": {...}}");
                }
                connectors.put(connector.name(), connector.config());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read connector configurations in " + folder, e);
        }
        if (connectors.isEmpty()) {
            throw new IllegalStateException("no connector configuration (*.json) in " + folder);
        }
        return connectors;
    }

    /** One file's content. */
    record Connector(String name, Map<String, String> config) {
    }
}
