package dev.tollgate.gateway.observability;

import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.handlers.ConsoleHandler;

/**
 * Writes access log lines to the console exactly as the console handler would (its formatter, its level and
 * filter, and those of every handler that wraps it), but a batch at a time: the lines of one batch leave in one
 * write instead of one write and flush each.
 *
 * <p><b>Why:</b> through the logging system, every access log line cost the console handler's thread a formatted
 * record and a {@code write} system call: one system call per request, about 3 µs of the gateway's CPU per request
 * (docs/benchmarks.md). A batch is whole lines, written with one call on the console's stream, so its lines never
 * interleave with another thread's log lines.
 *
 * <p><b>Only where it changes nothing else:</b> {@link #find} offers it only when the console is the one place
 * that log records reach (the default) and no logger between {@code tollgate.access} and the root has handlers
 * of its own. With a log file, syslog, or handlers set on the category, the access log goes through the logging
 * system line by line, as every other record does. Not thread-safe: only the access log's writer thread uses it.
 */
final class ConsoleBatch implements Consumer<String> {

    /** Above this many characters a batch is written early, at a line boundary, so memory stays bounded. */
    static final int MAX_BATCH_CHARS = 256 * 1024;

    private final List<Handler> chain;
    private final ConsoleHandler console;
    private final String loggerName;
    private final PrintStream out;
    private final Charset charset;
    private final StringBuilder batch = new StringBuilder(16 * 1024);

    private ConsoleBatch(List<Handler> chain, String loggerName, PrintStream out) {
        this.chain = List.copyOf(chain);
        this.console = (ConsoleHandler) chain.get(chain.size() - 1);
        this.loggerName = loggerName;
        this.out = out;
        String encoding = console.getEncoding();
        this.charset = encoding == null ? Charset.defaultCharset() : Charset.forName(encoding);
    }

    /**
     * The batch writer for {@code logger}'s records, when the only handler they reach is one console handler
     * (possibly wrapped, as by an async handler); empty otherwise.
     *
     * @param out the console handler's stream: {@code System.out}, or {@code System.err} where the console is
     *            configured to write there
     */
    static Optional<ConsoleBatch> find(Logger logger, PrintStream out) {
        Logger root = logger;
        for (Logger l = logger; l != null; l = l.getParent()) {
            boolean isRoot = l.getParent() == null;
            if (!isRoot && (l.getHandlers().length > 0 || !l.getUseParentHandlers())) {
                return Optional.empty();
            }
            root = l;
        }
        List<List<Handler>> chains = new ArrayList<>();
        for (Handler handler : root.getHandlers()) {
            collectChains(new ArrayList<>(List.of(handler)), chains);
        }
        if (chains.size() != 1) {
            return Optional.empty();
        }
        List<Handler> chain = chains.get(0);
        return chain.get(chain.size() - 1) instanceof ConsoleHandler
                ? Optional.of(new ConsoleBatch(chain, logger.getName(), out)) : Optional.empty();
    }

    /** Adds to {@code chains} every path from the last handler of {@code path} down to a handler nesting none. */
    private static void collectChains(List<Handler> path, List<List<Handler>> chains) {
        Handler last = path.get(path.size() - 1);
        Handler[] nested = last instanceof ExtHandler ext && !(last instanceof ConsoleHandler) ? ext.getHandlers()
                : new Handler[0];
        if (nested.length == 0) {
            chains.add(path);
            return;
        }
        for (Handler handler : nested) {
            List<Handler> longer = new ArrayList<>(path);
            longer.add(handler);
            collectChains(longer, chains);
        }
    }

    /** Formats {@code line} as an INFO record of the logger, unless a handler on the way would drop it. */
    @Override
    public void accept(String line) {
        ExtLogRecord record = new ExtLogRecord(Level.INFO, line, ExtLogRecord.FormatStyle.NO_FORMAT,
                ConsoleBatch.class.getName());
        record.setLoggerName(loggerName);
        for (Handler handler : chain) {
            if (!handler.isLoggable(record)) {
                return;
            }
        }
        batch.append(console.getFormatter().format(record));
        if (batch.length() > MAX_BATCH_CHARS) {
            flush();
        }
    }

    /** Writes the lines held so far, with one call on the console's stream. */
    void flush() {
        if (batch.length() == 0) {
            return;
        }
        byte[] bytes = batch.toString().getBytes(charset);
        batch.setLength(0);
        out.write(bytes, 0, bytes.length);
        out.flush();
    }
}
