package dev.tollgate.cli.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;

/**
 * Where a command writes, in the format asked for: {@code table} for people (the default) or {@code json} for
 * scripts. JSON output is the API's own objects, pretty-printed, so a script sees every field; list commands print
 * the list's items as an array.
 */
public final class Output {

    /** The formats of {@code --output}. */
    public enum Format {
        table, json
    }

    private final PrintWriter out;
    private final PrintWriter err;
    private final Format format;

    public Output(PrintWriter out, PrintWriter err, Format format) {
        this.out = out;
        this.err = err;
        this.format = format;
    }

    public boolean json() {
        return format == Format.json;
    }

    public PrintWriter out() {
        return out;
    }

    /** A line for people on standard output (table format only; JSON output stays pure JSON). */
    public void say(String line) {
        if (!json()) {
            out.println(line);
            out.flush();
        }
    }

    /** A warning on standard error, in any format. */
    public void warn(String line) {
        err.println("warning: " + line);
        err.flush();
    }

    public void json(JsonNode node) {
        try {
            out.println(ApiClient.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    /** A table, or {@code empty} when it has no rows. */
    public void table(Table table, String empty) {
        if (table.isEmpty()) {
            out.println(empty);
            out.flush();
        } else {
            table.print(out);
        }
    }
}
