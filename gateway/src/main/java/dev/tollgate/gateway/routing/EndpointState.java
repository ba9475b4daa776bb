package dev.tollgate.gateway.routing;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the gateway knows about one endpoint at runtime: requests in flight, health-check verdict, breaker and
 * scraped load. Keyed by endpoint id in {@link EndpointStates}, so it survives a re-registration of the endpoint
 * with a new weight or price. Safe to read from any thread.
 */
public final class EndpointState {

    private final String id;
    private final CircuitBreaker breaker;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicLong dispatched = new AtomicLong();
    private final AtomicBoolean checkInFlight = new AtomicBoolean();
    private final AtomicBoolean scrapeInFlight = new AtomicBoolean();
    private volatile boolean up = true;
    private volatile double loadPenalty;
    private volatile VllmReading vllm;
    private int passedInARow;
    private int failedInARow;

    EndpointState(String id, CircuitBreaker breaker) {
        this.id = id;
        this.breaker = breaker;
    }

    public String id() {
        return id;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /** Requests sent to the endpoint whose exchange has not ended. */
    public int outstanding() {
        return outstanding.get();
    }

    /** Attempts ever sent to the endpoint (retries included). */
    public long dispatched() {
        return dispatched.get();
    }

    /**
     * Whether the last health checks passed. An endpoint starts up, so that a newly registered one serves at
     * once; a dead one is caught by its first failed requests (breaker) or checks.
     */
    public boolean up() {
        return up;
    }

    /** Extra load from vLLM's own metrics, in outstanding-request units; 0 when not scraped. */
    public double loadPenalty() {
        return loadPenalty;
    }

    /** Whether the router may choose this endpoint now: up, and its breaker admits a request. */
    boolean routable() {
        return up && breaker.admits();
    }

    /** Load used by the choice: outstanding requests plus the scraped penalty. */
    double load() {
        return outstanding.get() + loadPenalty;
    }

    void dispatch() {
        outstanding.incrementAndGet();
        dispatched.incrementAndGet();
    }

    void complete() {
        outstanding.decrementAndGet();
    }

    /**
     * The last load read from the endpoint's own {@code /metrics}, with when it was read; null when load metrics
     * are off, the endpoint is not scraped (a hosted provider) or the last scrape failed.
     */
    public VllmReading vllm() {
        return vllm;
    }

    void loadPenalty(double value) {
        loadPenalty = value;
    }

    /** Records a successful scrape: its load and the penalty the router derives from it. */
    void loaded(VllmLoad sample, double penalty, long readAtMs) {
        vllm = new VllmReading(sample, readAtMs);
        loadPenalty = penalty;
    }

    /** Records a failed scrape: no load is known, so none is added. */
    void loadUnknown() {
        vllm = null;
        loadPenalty = 0;
    }

    boolean startCheck() {
        return checkInFlight.compareAndSet(false, true);
    }

    boolean startScrape() {
        return scrapeInFlight.compareAndSet(false, true);
    }

    void scrapeDone() {
        scrapeInFlight.set(false);
    }

    /**
     * Records one health-check result and returns whether it flipped the endpoint up or down.
     *
     * @param passed             whether the check passed
     * @param healthyThreshold   passes in a row that bring a down endpoint back
     * @param unhealthyThreshold failures in a row that take an up endpoint down
     */
    synchronized boolean checked(boolean passed, int healthyThreshold, int unhealthyThreshold) {
        checkInFlight.set(false);
        if (passed) {
            failedInARow = 0;
            passedInARow++;
            if (!up && passedInARow >= healthyThreshold) {
                up = true;
                return true;
            }
        } else {
            passedInARow = 0;
            failedInARow++;
            if (up && failedInARow >= unhealthyThreshold) {
                up = false;
                return true;
            }
        }
        return false;
    }
}
