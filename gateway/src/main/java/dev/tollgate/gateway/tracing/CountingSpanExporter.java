package dev.tollgate.gateway.tracing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/**
 * Wraps the OTLP exporter to tell the {@link ExportLedger} how each export ended: the spans of a failed export (the
 * collector refused them, could not be reached, or did not answer within the timeout, retries included) are dropped
 * and counted; the exporter itself keeps nothing to send again. Only the gateway's own spans ({@link #scope}) are
 * counted, the ones the ledger reserved room for.
 */
final class CountingSpanExporter implements SpanExporter {

    private final SpanExporter delegate;
    private final ExportLedger ledger;
    private final String scope;

    /**
     * @param scope the instrumentation scope of the spans to count: the gateway's tracer
     */
    CountingSpanExporter(SpanExporter delegate, ExportLedger ledger, String scope) {
        this.delegate = delegate;
        this.ledger = ledger;
        this.scope = scope;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        int count = 0;
        for (SpanData span : spans) {
            if (scope.equals(span.getInstrumentationScopeInfo().getName())) {
                count++;
            }
        }
        int counted = count;
        CompletableResultCode result;
        try {
            result = delegate.export(spans);
        } catch (RuntimeException e) {
            ledger.failed(counted);
            return CompletableResultCode.ofFailure();
        }
        result.whenComplete(() -> {
            if (result.isSuccess()) {
                ledger.exported(counted);
            } else {
                ledger.failed(counted);
            }
        });
        return result;
    }

    @Override
    public CompletableResultCode flush() {
        return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return delegate.shutdown();
    }

    @Override
    public String toString() {
        return "CountingSpanExporter{" + delegate + "}";
    }
}
