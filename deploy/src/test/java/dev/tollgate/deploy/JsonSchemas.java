package dev.tollgate.deploy;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** JSON Schema (draft 2019-09) validation of YAML documents against the schemas in src/test/resources/schemas. */
final class JsonSchemas {

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2019_09);

    /** The Compose Specification's published schema (schemas/README.md). */
    static final Schema COMPOSE = load("compose-spec.json");
    /** The ArgoCD CRDs' fields that argocd/ uses, strict (schemas/README.md). */
    static final Schema ARGOCD = load("argocd-subset.schema.json");

    private JsonSchemas() {
    }

    private static Schema load(String name) {
        try (InputStream in = JsonSchemas.class.getResourceAsStream("/schemas/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing schema " + name);
            }
            return REGISTRY.getSchema(in, InputFormat.JSON);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The validation errors of one YAML document; empty when it is valid. */
    static List<String> errors(Schema schema, String yaml) {
        return schema.validate(yaml, InputFormat.YAML).stream().map(Error::toString).toList();
    }
}
