package dev.tollgate.gateway.inbound;

import dev.tollgate.gateway.events.EvalMarking;
import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.openai.OpenAiError;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads the eval headers of a request ({@link EvalMarking}): ids of 1 to 128 of {@code [A-Za-z0-9._:-]}, an example
 * as {@code <dataset>/<example>}, a judge flag of {@code true} or {@code false}. A malformed header is the client's
 * mistake, answered 400 naming the header, rather than an eval score that can never find its run.
 */
final class EvalHeaders {

    private static final int MAX_ID = 128;

    /** What the headers came to. */
    sealed interface Parsed permits Valid, Invalid {
    }

    /**
     * Well-formed, or absent.
     *
     * @param marking the marking, or null when the request carries no eval header
     */
    record Valid(EvalMarking marking) implements Parsed {
    }

    /**
     * Malformed.
     *
     * @param error the 400 to answer
     */
    record Invalid(OpenAiError error) implements Parsed {
    }

    private EvalHeaders() {
    }

    static Parsed parse(HttpServerRequest request) {
        String run = request.getHeader(EvalMarking.RUN_HEADER);
        String example = request.getHeader(EvalMarking.EXAMPLE_HEADER);
        String judge = request.getHeader(EvalMarking.JUDGE_HEADER);
        if (run == null && example == null && judge == null) {
            return new Valid(null);
        }
        if (run != null && !isId(run)) {
            return invalid(EvalMarking.RUN_HEADER, "must be 1 to 128 of A-Z, a-z, 0-9, '.', '_', ':' and '-'");
        }
        String datasetId = null;
        String exampleId = null;
        if (example != null) {
            int slash = example.indexOf('/');
            if (slash < 0 || !isId(example.substring(0, slash)) || !isId(example.substring(slash + 1))) {
                return invalid(EvalMarking.EXAMPLE_HEADER, "must be <dataset id>/<example id>, each 1 to 128 of "
                        + "A-Z, a-z, 0-9, '.', '_', ':' and '-'");
            }
            if (run == null) {
                return invalid(EvalMarking.EXAMPLE_HEADER, "is only meaningful with " + EvalMarking.RUN_HEADER);
            }
            datasetId = example.substring(0, slash);
            exampleId = example.substring(slash + 1);
        }
        if (judge != null && !judge.equals("true") && !judge.equals("false")) {
            return invalid(EvalMarking.JUDGE_HEADER, "must be true or false");
        }
        return new Valid(new EvalMarking(run, datasetId, exampleId, "true".equals(judge)));
    }

    private static Invalid invalid(String header, String rule) {
        return new Invalid(new OpenAiError(ErrorCode.INVALID_REQUEST, "The header " + header + " " + rule + ".",
                header));
    }

    /** Checked by hand, as request ids are: no regular expression on the request path. */
    static boolean isId(String id) {
        if (id.isEmpty() || id.length() > MAX_ID) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
