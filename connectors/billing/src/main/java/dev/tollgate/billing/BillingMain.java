package dev.tollgate.billing;

import java.util.concurrent.CountDownLatch;
import org.jboss.logging.Logger;

/**
 * {@code java -cp ... dev.tollgate.billing.BillingMain}: the reference billing consumer. Configuration comes from
 * system properties and the environment ({@link BillingConfig}). SIGTERM stops it after the batch in progress.
 */
public final class BillingMain {

    private static final Logger LOG = Logger.getLogger(BillingMain.class);

    private BillingMain() {
    }

    public static void main(String[] args) throws Exception {
        BillingConfig config;
        try {
            config = BillingConfig.load(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        LOG.infof("event=billing_starting config=%s", config);
        CountDownLatch done = new CountDownLatch(1);
        try (InvoiceStore store = new InvoiceStore(config);
             BillingConsumer consumer = new BillingConsumer(config, store)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                consumer.stop();
                try {
                    done.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "stop-billing"));
            consumer.run();
        } finally {
            done.countDown();
        }
    }
}
