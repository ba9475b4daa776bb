package dev.tollgate.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line of the load generator. Example, 64 connections as fast as the server answers for 20 s after a
 * 5 s warm-up:
 *
 * <pre>
 * java -cp ... dev.tollgate.bench.BenchMain --url http://127.0.0.1:8000/v1/chat/completions \
 *     --body '{"model":"m","messages":[{"role":"user","content":"hi"}]}' -c 64 -d 20s --warmup 5s
 * </pre>
 *
 * With {@code --versus URL --rounds 4}, the same load runs against both targets in four alternating rounds and
 * the report has one entry per target ({@link Interleaved}).
 *
 * <p>Exit status: 0 when the run completed (failed requests are figures, not a failure of the tool), 2 for bad
 * arguments.
 */
@Command(name = "tollgate-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "HTTP load generator for loopback targets: closed loop, open loop, streaming.")
public final class BenchMain implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec command;

    @Option(names = "--url", required = true, description = "Target URL; must resolve to a loopback address.")
    URI url;

    @Option(names = "--method", defaultValue = "POST", description = "HTTP method (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--body", description = "Request body.")
    String body;

    @Option(names = "--body-file", description = "File holding the request body.")
    Path bodyFile;

    @Option(names = {"-H", "--header"}, description = "Header 'Name: value'; repeatable.")
    List<String> headers = List.of();

    @Option(names = "--mode", defaultValue = "closed",
            description = "closed (max throughput) or open (fixed rate) (default: ${DEFAULT-VALUE}).")
    LoadSpec.Mode mode;

    @Option(names = {"-c", "--connections"}, defaultValue = "64",
            description = "Connections (closed loop: concurrent requests) (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--rate", defaultValue = "1000", description = "Open loop: requests per second.")
    int rate;

    @Option(names = {"-d", "--duration"}, defaultValue = "10s", converter = DurationConverter.class,
            description = "Measured time, e.g. 30s, 500ms, 2m (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "3s", converter = DurationConverter.class,
            description = "Warm-up before measuring (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--stream", description = "Record the time to the first body byte (SSE responses).")
    boolean stream;

    @Option(names = "--event-loops", defaultValue = "1",
            description = "Client event loops (default: ${DEFAULT-VALUE}).")
    int eventLoops;

    @Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "Idle timeout of one request (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--max-in-flight", defaultValue = "10000",
            description = "Open loop: outstanding requests before arrivals are skipped (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--label", description = "Name of the run in the report.")
    String label;

    @Option(names = "--versus", description = "A second target, measured with the same load in rounds that "
            + "alternate with --url's; its report follows --url's.")
    URI versus;

    @Option(names = "--versus-header", description = "A header only the --versus run sends, 'Name: value'; "
            + "repeatable. Lets one run compare two treatments of the same target (a cache hit and a miss).")
    List<String> versusHeaders = List.of();

    @Option(names = "--versus-label", description = "Name of the --versus run in the report.")
    String versusLabel;

    @Option(names = "--rounds", defaultValue = "1", description = "With --versus: alternating rounds; each "
            + "measures --duration divided by this, after its own --warmup (default: ${DEFAULT-VALUE}).")
    int rounds;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new BenchMain());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // The last occurrence of an option wins, so a script can append overrides to a common set of flags.
        cli.setOverwrittenOptionsAllowed(true);
        return cli;
    }

    @Override
    public Integer call() throws IOException {
        LoadSpec spec = spec();
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        if (versus == null) {
            print(out, label, LoadGenerator.run(spec));
        } else {
            List<LoadResult> results = Interleaved.run(spec, spec.withTarget(versus).withHeaders(
                    parseHeaders(versusHeaders)), rounds);
            print(out, label, results.get(0));
            print(out, versusLabel, results.get(1));
        }
        out.flush();
        return 0;
    }

    private void print(PrintWriter out, String name, LoadResult result) {
        out.print(format.equalsIgnoreCase("json") ? Report.json(name, result) + System.lineSeparator()
                : Report.text(name, result));
    }

    LoadSpec spec() throws IOException {
        if (body != null && bodyFile != null) {
            throw new CommandLine.ParameterException(command.commandLine(), "give --body or --body-file, not both");
        }
        if (rounds < 1 || (rounds > 1 && versus == null)) {
            throw new CommandLine.ParameterException(command.commandLine(),
                    "--rounds must be at least 1, and above 1 only with --versus");
        }
        if (duration.dividedBy(rounds).toMillis() < 1) {
            throw new CommandLine.ParameterException(command.commandLine(),
                    "--duration must give each of the --rounds at least 1 ms");
        }
        if (!format.equalsIgnoreCase("text") && !format.equalsIgnoreCase("json")) {
            throw new CommandLine.ParameterException(command.commandLine(), "--format must be text or json");
        }
        byte[] bytes = bodyFile != null ? Files.readAllBytes(bodyFile)
                : body != null ? body.getBytes(StandardCharsets.UTF_8) : new byte[0];
        Map<String, String> parsed = new LinkedHashMap<>();
        if (bytes.length > 0) {
            parsed.put("content-type", "application/json");
        }
        parsed.putAll(parseHeaders(headers));
        parseHeaders(versusHeaders);
        try {
            LoadSpec spec = new LoadSpec(url, method, bytes, parsed, mode, connections, rate, duration, warmup, stream,
                    eventLoops, timeout, maxInFlight);
            if (versus != null) {
                spec.withTarget(versus); // the same checks for the second target, before any load starts
            }
            return spec;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(command.commandLine(), e.getMessage());
        }
    }

    private Map<String, String> parseHeaders(List<String> given) {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String header : given) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new CommandLine.ParameterException(command.commandLine(),
                        "--header must look like 'Name: value', not '" + header + "'");
            }
            parsed.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        return parsed;
    }

    /** Parses {@code 250ms}, {@code 30s}, {@code 2m}, or an ISO-8601 duration such as {@code PT30S}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.startsWith("pt")) {
                    return Duration.parse(value.trim());
                }
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                if (v.endsWith("s")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
                }
                if (v.endsWith("m")) {
                    return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
                }
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("not a duration: '" + value + "'");
            }
            throw new CommandLine.TypeConversionException(
                    "not a duration: '" + value + "' (use e.g. 250ms, 30s, 2m)");
        }
    }
}
