package dev.tollgate.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Where this checkout keeps what the local platform runs: the broker's classpath, the unpacked Apicurio
 * server, the built gateway and streams apps, and the Kafka Connect worker with its plugins and the warehouse
 * connector configurations ({@code connectors/warehouse}). The build writes these paths (resource filtering), so the
 * local platform runs from Maven artifacts alone, with no download at run time.
 *
 * @param runtimeClasspath the classpath (the module's dependencies) that child JVMs such as the broker run from
 * @param moduleClasses    this module's own classes, added to that classpath
 * @param apicurioHome     the unpacked {@code apicurio-registry-app} distribution
 * @param projectRoot      the root of the checkout
 */
public record LocalInstallation(Path runtimeClasspath, Path moduleClasses, Path apicurioHome, Path projectRoot) {

    private static final String RESOURCE = "/tollgate-local.properties";

    /** Reads the paths the build recorded. */
    public static LocalInstallation fromBuild() {
        Properties props = new Properties();
        try (InputStream in = LocalInstallation.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing: build the project with ./mvnw install");
            }
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new LocalInstallation(path(props, "runtime.classpath"), path(props, "module.classes"),
                path(props, "apicurio.home"), path(props, "project.root"));
    }

    /** The classpath a child JVM of this module runs from: its dependencies plus its own classes. */
    public String childClasspath() {
        try {
            return moduleClasses + java.io.File.pathSeparator + Files.readString(runtimeClasspath).trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + runtimeClasspath + ": build with ./mvnw install", e);
        }
    }

    /** The Apicurio Registry runner jar. */
    public Path apicurioRunner() {
        return requireFile(apicurioHome.resolve("apicurio-registry-app-3.0.9-runner.jar"));
    }

    /**
     * The Kafka Connect worker's class path: Connect and the rollup transform ({@code connectors/warehouse}), plus
     * this module's classes for {@code WatchedMain}.
     */
    public String connectClasspath() {
        Path warehouse = projectRoot.resolve("connectors/warehouse/target");
        Path classpath = requireFile(warehouse.resolve("connect/worker.classpath"));
        try {
            return moduleClasses + java.io.File.pathSeparator + warehouse.resolve("classes")
                    + java.io.File.pathSeparator + Files.readString(classpath).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Connect worker's plugin path: Debezium's JDBC sink and Apicurio's Avro converter. */
    public Path connectPlugins() {
        Path plugins = projectRoot.resolve("connectors/warehouse/target/connect/plugins");
        requireFile(plugins.resolve("apicurio-converter/apicurio-registry-utils-converter-3.0.9.jar"));
        return plugins;
    }

    /** The warehouse sink configurations for PostgreSQL, one JSON file per connector. */
    public Path warehouseConnectors() {
        return projectRoot.resolve("connectors/warehouse/config/postgres");
    }

    /** A built Quarkus application's runner, e.g. {@code gateway}. */
    public Path quarkusApp(String module) {
        return requireFile(projectRoot.resolve(module).resolve("target/quarkus-app/quarkus-run.jar"));
    }

    private static Path requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " does not exist: build the project with ./mvnw install -DskipTests");
        }
        return file;
    }

    private static Path path(Properties props, String key) {
        String value = props.getProperty(key);
        if (value == null || value.contains("${")) {
            throw new IllegalStateException(RESOURCE + " has no resolved '" + key + "': build with ./mvnw install");
        }
        return Path.of(value).toAbsolutePath().normalize();
    }
}
