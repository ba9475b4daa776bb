package dev.tollgate.streams.serde;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.apicurio.registry.resolver.client.RegistryArtifactReference;
import io.apicurio.registry.resolver.client.RegistryClientFacade;
import io.apicurio.registry.resolver.client.RegistryVersionCoordinates;
import io.apicurio.registry.resolver.strategy.ArtifactReference;

/**
 * An in-memory Apicurio Registry for unit tests, behind the serdes' {@link RegistryClientFacade}. It stores
 * references with content: the 3.1.7 serializer registers a nested enum as its own artifact and the record with a
 * reference to it, and the deserializer resolves the record's schema through those references.
 */
public class InMemoryRegistry implements RegistryClientFacade {

    private static final String DEFAULT_GROUP = "default";

    private record Content(long contentId, String schema, List<RegistryArtifactReference> references, String hash) {
    }

    private record Version(long globalId, String groupId, String artifactId, String version, Content content) {
        RegistryVersionCoordinates coordinates() {
            return RegistryVersionCoordinates.create(globalId, content.contentId(), groupId, artifactId, version);
        }
    }

    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Content> contentById = new ConcurrentHashMap<>();
    private final Map<String, Content> contentByKey = new ConcurrentHashMap<>();
    private final Map<Long, Version> versionsByGlobalId = new ConcurrentHashMap<>();
    private final Map<String, List<Version>> versionsByArtifact = new ConcurrentHashMap<>();

    /** Every artifact id registered so far, in group/artifact form. */
    public synchronized Set<String> artifacts() {
        return new LinkedHashSet<>(versionsByArtifact.keySet());
    }

    @Override
    public synchronized RegistryVersionCoordinates createSchema(String artifactType, String groupId,
            String artifactId, String version, String autoCreateBehavior, boolean canonical, String schemaString,
            Set<RegistryArtifactReference> references) {
        List<RegistryArtifactReference> refs = references == null ? List.of() : List.copyOf(references);
        Content content = contentByKey.computeIfAbsent(schemaString + refs,
                key -> store(new Content(ids.incrementAndGet(), schemaString, refs, sha256(schemaString))));
        List<Version> versions = versionsByArtifact.computeIfAbsent(artifact(groupId, artifactId), k -> new ArrayList<>());
        for (Version existing : versions) {
            if (existing.content().equals(content)) {
                return existing.coordinates();
            }
        }
        String versionName = version != null ? version : Integer.toString(versions.size() + 1);
        Version created = new Version(ids.incrementAndGet(), group(groupId), artifactId, versionName, content);
        versions.add(created);
        versionsByGlobalId.put(created.globalId(), created);
        return created.coordinates();
    }

    private Content store(Content content) {
        contentById.put(content.contentId(), content);
        return content;
    }

    @Override
    public String getSchemaByContentId(Long contentId) {
        return content(contentId).schema();
    }

    @Override
    public String getSchemaByGlobalId(long globalId, boolean dereferenced) {
        return version(globalId).content().schema();
    }

    @Override
    public String getSchemaByGAV(String groupId, String artifactId, String version) {
        return gav(groupId, artifactId, version).content().schema();
    }

    @Override
    public String getSchemaByContentHash(String contentHash) {
        return byHash(contentHash).schema();
    }

    @Override
    public List<RegistryArtifactReference> getReferencesByContentId(long contentId) {
        return content(contentId).references();
    }

    @Override
    public List<RegistryArtifactReference> getReferencesByGlobalId(long globalId) {
        return version(globalId).content().references();
    }

    @Override
    public List<RegistryArtifactReference> getReferencesByGAV(String groupId, String artifactId, String version) {
        return gav(groupId, artifactId, version).content().references();
    }

    @Override
    public List<RegistryArtifactReference> getReferencesByContentHash(String contentHash) {
        return byHash(contentHash).references();
    }

    @Override
    public synchronized List<RegistryVersionCoordinates> searchVersionsByContent(String schemaString,
            String artifactType, ArtifactReference reference, boolean canonical) {
        List<Version> versions = versionsByArtifact.getOrDefault(
                artifact(reference.getGroupId(), reference.getArtifactId()), List.of());
        return versions.stream().filter(v -> v.content().schema().equals(schemaString))
                .map(Version::coordinates).toList();
    }

    @Override
    public RegistryVersionCoordinates getVersionCoordinatesByGAV(String groupId, String artifactId, String version) {
        return gav(groupId, artifactId, version).coordinates();
    }

    @Override
    public Object getClient() {
        return null;
    }

    private Content content(long contentId) {
        Content content = contentById.get(contentId);
        if (content == null) {
            throw new IllegalArgumentException("no content with id " + contentId);
        }
        return content;
    }

    private Version version(long globalId) {
        Version version = versionsByGlobalId.get(globalId);
        if (version == null) {
            throw new IllegalArgumentException("no version with global id " + globalId);
        }
        return version;
    }

    private synchronized Version gav(String groupId, String artifactId, String version) {
        List<Version> versions = versionsByArtifact.getOrDefault(artifact(groupId, artifactId), List.of());
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("no artifact " + artifact(groupId, artifactId));
        }
        if (version == null || "latest".equals(version) || "branch=latest".equals(version)) {
            return versions.get(versions.size() - 1);
        }
        return versions.stream().filter(v -> v.version().equals(version)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no version " + version + " of " + artifactId));
    }

    private Content byHash(String hash) {
        return contentById.values().stream().filter(c -> c.hash().equals(hash)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no content with hash " + hash));
    }

    private static String artifact(String groupId, String artifactId) {
        return group(groupId) + "/" + Objects.requireNonNull(artifactId, "artifactId");
    }

    private static String group(String groupId) {
        return groupId == null ? DEFAULT_GROUP : groupId;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
