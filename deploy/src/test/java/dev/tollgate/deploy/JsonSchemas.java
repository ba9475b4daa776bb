package dev.tollgate.deploy;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.AnnotationKeyword;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** JSON Schema (draft 2019-09) validation of YAML documents against the schemas in src/test/resources/schemas. */
final class JsonSchemas {

    /**
     * Draft 2019-09, where {@code id} (the compose schema still carries draft 4's {@code id} beside its 2019-09
     * {@code $schema}) is what the specification says an unknown keyword is: an annotation that validates nothing.
     */
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            Dialect.builder(Dialects.getDraft201909()).keyword(new AnnotationKeyword("id")).build());

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
