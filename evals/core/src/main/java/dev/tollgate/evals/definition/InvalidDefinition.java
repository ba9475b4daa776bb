package dev.tollgate.evals.definition;

/**
 * An evaluator definition that cannot be used, with the field at fault ({@code definition.pattern},
 * {@code sampling_rate}, ...) and why, so that the admin API can answer 400 naming both.
 */
public final class InvalidDefinition extends RuntimeException {

    private final String field;

    /**
     * @param field  the JSON path of the field at fault, from the admin API body's root
     * @param reason why, for a person: says what is expected
     */
    public InvalidDefinition(String field, String reason) {
        super(reason);
        this.field = field;
    }

    /** The JSON path of the field at fault, e.g. {@code definition.schema}. */
    public String field() {
        return field;
    }
}
