package dev.tollgate.local.vllm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the command line of {@link VllmSimulator#main(String[])} into a {@link SimulatorConfig}, starting from
 * {@link SimulatorConfig#defaults()}. Flags take their value as the next argument or after {@code =}. An unknown
 * flag or a bad value is an {@link IllegalArgumentException} naming it.
 */
final class SimulatorArgs {

    static final String USAGE = """
            usage: VllmSimulator [flags]
              --host HOST                 bind address (default 127.0.0.1)
              --port PORT                 port, 0 = ephemeral (default 0)
              --model NAME                served model name; repeat or comma-separate for aliases (default sim-model)
              --ttft-ms MS                time to first token (default 0)
              --itl-ms MS                 inter-token latency (default 0)
              --output-tokens N           tokens per choice unless max_tokens cuts (default 16)
              --error-rate R              share of requests answered with --error-status (default 0)
              --error-status S            status of injected errors (default 500)
              --hang-rate R               share of requests never answered (default 0)
              --drop-rate R               share of requests whose connection is closed (default 0)
              --seed N                    seed of failure draws and default text (default 0)
              --event-loops N             event loops (default: cores)
              --max-num-seqs N            concurrent sequences before queueing (default 256)
              --max-model-len N           context length (default 32768)
              --max-body-bytes N          request body limit (default 8388608)
              --embedding-dimensions N    embedding vector length (default 16)
              --help                      print this text""";

    /** Signals {@code --help}. */
    static final class HelpRequested extends RuntimeException {
        HelpRequested() {
            super("help", null, false, false);
        }
    }

    private SimulatorArgs() {
    }

    static SimulatorConfig parse(String[] args) {
        SimulatorConfig config = SimulatorConfig.defaults();
        List<String> models = new ArrayList<>();
        double errorRate = 0;
        double hangRate = 0;
        double dropRate = 0;
        int errorStatus = 500;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            String value = null;
            int eq = flag.indexOf('=');
            if (flag.startsWith("--") && eq > 0) {
                value = flag.substring(eq + 1);
                flag = flag.substring(0, eq);
            }
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new HelpRequested();
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                value = args[++i];
            }
            switch (flag) {
                case "--host" -> config = config.withHost(value);
                case "--port" -> config = config.withPort(integer(flag, value));
                case "--model" -> {
                    for (String name : value.split(",")) {
                        models.add(name.trim());
                    }
                }
                case "--ttft-ms" -> config = config.withTimeToFirstToken(Duration.ofMillis(integer(flag, value)));
                case "--itl-ms" -> config = config.withInterTokenLatency(Duration.ofMillis(integer(flag, value)));
                case "--output-tokens" -> config = config.withOutputTokens(integer(flag, value));
                case "--error-rate" -> errorRate = decimal(flag, value);
                case "--error-status" -> errorStatus = integer(flag, value);
                case "--hang-rate" -> hangRate = decimal(flag, value);
                case "--drop-rate" -> dropRate = decimal(flag, value);
                case "--seed" -> config = config.withSeed(longValue(flag, value));
                case "--event-loops" -> config = config.withEventLoops(integer(flag, value));
                case "--max-num-seqs" -> config = config.withMaxNumSeqs(integer(flag, value));
                case "--max-model-len" -> config = config.withMaxModelLen(integer(flag, value));
                case "--max-body-bytes" -> config = config.withMaxBodyBytes(integer(flag, value));
                case "--embedding-dimensions" -> config = config.withEmbeddingDimensions(integer(flag, value));
                default -> throw new IllegalArgumentException("unknown flag " + flag);
            }
        }
        if (!models.isEmpty()) {
            config = config.withServedModelNames(models);
        }
        return config.withFailures(new FailurePolicy(errorRate, hangRate, dropRate, errorStatus));
    }

    private static int integer(String flag, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be an integer, not '" + value + "'");
        }
    }

    private static long longValue(String flag, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be an integer, not '" + value + "'");
        }
    }

    private static double decimal(String flag, String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a number, not '" + value + "'");
        }
    }
}
