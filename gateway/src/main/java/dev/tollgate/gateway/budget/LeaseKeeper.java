package dev.tollgate.gateway.budget;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs the {@link BudgetBook}'s round every {@value #EVERY_MS} ms on its own thread: leases that expired, ended
 * with their period or sat idle are closed and returned, requests still waiting ask again, and the next lease is
 * fetched ahead of need. The request path does the same for its own budget as it goes; this catches the budgets no
 * request touches.
 */
@ApplicationScoped
public class LeaseKeeper {

    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class);
    static final long EVERY_MS = 50;

    private final BudgetBook book;
    private ScheduledExecutorService keeper;

    @Inject
    LeaseKeeper(BudgetBook book) {
        this.book = book;
    }

    void start(@Observes StartupEvent ignored) {
        keeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "tollgate-lease-keeper");
            thread.setDaemon(true);
            return thread;
        });
        keeper.scheduleWithFixedDelay(this::round, EVERY_MS, EVERY_MS, TimeUnit.MILLISECONDS);
    }

    private void round() {
        try {
            book.tick(System.currentTimeMillis(), System.nanoTime());
        } catch (RuntimeException e) {
            LOG.errorf(e, "event=lease_keeper_failed");
        }
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        if (keeper != null) {
            keeper.shutdown();
            keeper.awaitTermination(2, TimeUnit.SECONDS);
        }
    }
}
