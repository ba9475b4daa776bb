package dev.tollgate.local.vllm;

import dev.tollgate.local.vllm.FailureInjector.Fault;
import io.vertx.core.http.HttpServerRequest;
import org.jboss.logging.Logger;

/**
 * Draws the fault of a well-formed inference request and carries out the faults that replace the answer.
 * An injected fault is counted in the metrics and logged at DEBUG with its path, kind and status only, never the
 * request body.
 */
final class FaultGate {

    private static final Logger LOG = Logger.getLogger(FaultGate.class);

    private FaultGate() {
    }

    /** Takes the request's failure sequence number; the {@code x-sim-fail} header, if any, wins over the draw. */
    static Fault draw(SimulatorRuntime runtime, SimulatorConfig config, Overrides overrides, boolean streaming) {
        Fault drawn = runtime.failures().next(config.failures(), config.seed(), streaming);
        Fault fault = overrides.fault() != null ? overrides.fault() : drawn;
        if (fault != Fault.NONE) {
            runtime.metrics().fault(fault);
        }
        return fault;
    }

    /**
     * Carries out {@code fault} if it replaces the answer and returns true; returns false when the answer must go on
     * (no fault, or a mid-stream drop that the stream itself will perform).
     */
    static boolean intercept(HttpServerRequest request, Fault fault, SimulatorConfig config, Overrides overrides,
            boolean streaming) {
        switch (fault) {
            case NONE:
                return false;
            case DROP_MID_STREAM:
                if (streaming) {
                    return false;
                }
                return drop(request, fault);
            case DROP:
                return drop(request, fault);
            case HANG:
                if (LOG.isDebugEnabled()) {
                    LOG.debugf("injected fault=hang path=%s", request.path());
                }
                return true;
            case ERROR:
            default:
                int status = overrides.errorStatus() != null ? overrides.errorStatus()
                        : config.failures().errorStatus();
                if (LOG.isDebugEnabled()) {
                    LOG.debugf("injected fault=error status=%d path=%s", status, request.path());
                }
                Responses.error(request.response(), status, errorType(status),
                        "Simulated failure injected by the vLLM simulator (status " + status + ").", null);
                return true;
        }
    }

    private static boolean drop(HttpServerRequest request, Fault fault) {
        if (LOG.isDebugEnabled()) {
            LOG.debugf("injected fault=%s path=%s", fault, request.path());
        }
        request.connection().close();
        return true;
    }

    /** The error type names of the OpenAI SDK exceptions, which vLLM's error bodies also use. */
    static String errorType(int status) {
        return switch (status) {
            case 400 -> "BadRequestError";
            case 401 -> "AuthenticationError";
            case 403 -> "PermissionDeniedError";
            case 404 -> "NotFoundError";
            case 409 -> "ConflictError";
            case 413 -> "RequestEntityTooLargeError";
            case 422 -> "UnprocessableEntityError";
            case 429 -> "RateLimitError";
            case 503 -> "ServiceUnavailableError";
            default -> status >= 500 ? "InternalServerError" : "BadRequestError";
        };
    }
}
