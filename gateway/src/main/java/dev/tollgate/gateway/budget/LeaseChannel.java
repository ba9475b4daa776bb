package dev.tollgate.gateway.budget;

import dev.tollgate.events.v1.BudgetLeaseRequest;
import java.util.function.Consumer;

/**
 * Where a replica's lease requests and returns go: {@code tollgate.budget-lease-requests.v1} in production
 * ({@link LeaseRequests}), a list in unit tests.
 */
interface LeaseChannel {

    /**
     * Sends {@code request} keyed by its org id. Never blocks: it is called on the event loop, under a budget's lock.
     *
     * @param failed called, on some other thread, if it could not be delivered
     */
    void send(BudgetLeaseRequest request, Consumer<Throwable> failed);
}
