package dev.tollgate.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.Logger;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.AsyncHandler;
import org.jboss.logmanager.handlers.ConsoleHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The access log's console batches, in a log context of their own, set up the way Quarkus sets up the default. */
class ConsoleBatchTest {

    private final LogContext context = LogContext.create();
    private final Logger root = context.getLogger("");
    private final Logger access = context.getLogger(AccessLog.CATEGORY);
    private final ConsoleHandler console = new ConsoleHandler(new PatternFormatter("%-5p [%c] %s%n"));
    private final AsyncHandler async = new AsyncHandler();
    private final CountingStream stream = new CountingStream();
    private final PrintStream out = new PrintStream(stream, false, StandardCharsets.UTF_8);

    @BeforeEach
    void consoleBehindAnAsyncHandler() {
        async.addHandler(console);
        root.addHandler(async);
    }

    @AfterEach
    void close() throws Exception {
        async.close();
        context.close();
    }

    @Test
    void writesTheLinesOfABatchFormattedByTheConsoleInOneWriteWhenFlushed() {
        ConsoleBatch batch = ConsoleBatch.find(access, out).orElseThrow();

        batch.accept("request_id=a status=200");
        batch.accept("request_id=b status=429");
        assertThat(stream.writes).isZero();
        batch.flush();

        assertThat(stream.writes).isEqualTo(1);
        assertThat(stream.text()).isEqualTo("INFO  [tollgate.access] request_id=a status=200\n"
                + "INFO  [tollgate.access] request_id=b status=429\n");
    }

    @Test
    void dropsWhatTheConsoleOrAHandlerWrappingItWouldDrop() {
        ConsoleBatch batch = ConsoleBatch.find(access, out).orElseThrow();

        async.setLevel(Level.WARNING);
        batch.accept("request_id=a status=200");
        batch.flush();

        assertThat(stream.writes).isZero();
    }

    @Test
    void writesEarlyAndAtALineBoundaryWhenABatchGrowsLarge() {
        ConsoleBatch batch = ConsoleBatch.find(access, out).orElseThrow();
        String line = "request_id=" + "x".repeat(1_000);

        for (int i = 0; i < 300; i++) {
            batch.accept(line);
        }

        assertThat(stream.writes).isEqualTo(1);
        assertThat(stream.text()).endsWith(line + "\n").hasSizeGreaterThan(ConsoleBatch.MAX_BATCH_CHARS);
    }

    @Test
    void isNotUsedWhenLogsAlsoGoSomewhereElse() {
        root.addHandler(new ConsoleHandler(ConsoleHandler.Target.SYSTEM_ERR));

        assertThat(ConsoleBatch.find(access, out)).isEmpty();
    }

    @Test
    void isNotUsedWhenTheCategoryOrAParentHasHandlersOfItsOwn() {
        context.getLogger("tollgate").addHandler(new ConsoleHandler());

        assertThat(ConsoleBatch.find(access, out)).isEmpty();
    }

    @Test
    void isNotUsedWhenTheCategoryKeepsItsRecordsFromTheRoot() {
        access.setUseParentHandlers(false);

        assertThat(ConsoleBatch.find(access, out)).isEmpty();
    }

    /** Counts the writes that reach it: a batch must arrive in one. */
    private static final class CountingStream extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private int writes;

        @Override
        public void write(int b) {
            writes++;
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes++;
            bytes.write(b, off, len);
        }

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
