package dev.tollgate.gateway.routing;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt's hold on an endpoint: it counts as outstanding from {@link Router#select} until the first of
 * {@link #succeeded()}, {@link #failed()} or {@link #abandoned()}, which also tells the endpoint's breaker how the
 * attempt went. Later calls are no-ops, so every way an exchange ends may settle the lease without counting twice.
 */
public final class Lease {

    private final Endpoint endpoint;
    private final EndpointState state;
    private final CircuitBreaker.Permit permit;
    private final AtomicBoolean settled = new AtomicBoolean();

    Lease(Endpoint endpoint, EndpointState state, CircuitBreaker.Permit permit) {
        this.endpoint = endpoint;
        this.state = state;
        this.permit = permit;
        state.dispatch();
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** Whether this attempt is the probe of a half-open breaker. */
    public boolean probe() {
        return permit == CircuitBreaker.Permit.PROBE;
    }

    /** The endpoint answered: any status below 500, or a stream that ended properly. */
    public void succeeded() {
        if (settled.compareAndSet(false, true)) {
            state.complete();
            state.breaker().succeeded(permit);
        }
    }

    /** The endpoint failed: no connection, a timeout, a 5xx answer or a broken response. */
    public void failed() {
        if (settled.compareAndSet(false, true)) {
            state.complete();
            state.breaker().failed(permit);
        }
    }

    /** The attempt ended for a reason that says nothing about the endpoint, such as the client leaving. */
    public void abandoned() {
        if (settled.compareAndSet(false, true)) {
            state.complete();
            state.breaker().released(permit);
        }
    }
}
