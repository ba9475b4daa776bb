package dev.tollgate.streams.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives the app under test an empty Kafka Streams {@code state.dir}: the test broker is new on every run, and
 * state checkpointed against an older broker makes tasks fail as corrupted.
 */
public class FreshStateDirResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        try {
            return Map.of("kafka-streams.state.dir",
                    Files.createTempDirectory("tollgate-streams-state-").toAbsolutePath().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // the directory is under the OS temp dir; Kafka Streams holds it until the app stops
    }
}
