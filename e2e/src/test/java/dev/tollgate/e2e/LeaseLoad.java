package dev.tollgate.e2e;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Concurrent clients spending a hard budget through several gateway replicas, in the background, each recording
 * every answer it gets. A client stops once a replica tells it the budget cannot pay for its request before the
 * period ends ("is spent", "less than this request may cost"); any other refusal (what is left is held by leases,
 * the owner unreachable) it retries after a pause, as a client following {@code retry-after} would (sooner).
 *
 * <p>The {@link Mix#PROBE} mix is issue #18's probe: prompts of several sizes, {@code max_tokens} from 8 to 104, a
 * third of the requests streamed.
 */
final class LeaseLoad implements AutoCloseable {

    /** What the clients send. */
    enum Mix {
        /** The README's request: "Hello!" and 16 completion tokens at most. */
        README,
        /** Prompts of 6 to about 800 bytes, max_tokens 8 to 104, every third request streamed. */
        PROBE
    }

    /**
     * One answer.
     *
     * @param atMs      when it arrived, epoch ms
     * @param gateway   the index of the replica that answered
     * @param status    its HTTP status
     * @param code      its error code, or null
     * @param requestId its {@code x-request-id}
     * @param body      its body (for refusals only)
     */
    record Answer(long atMs, int gateway, int status, String code, String requestId, String body) {
    }

    /**
     * What a client waits before it retries a refusal that may pass: a quarter of the {@code retry-after} (1 s) the
     * gateway sends, so that the tests stay short without a storm of retries.
     */
    private static final long RETRY_PAUSE_MS = 250;
    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([a-z_]+)\"");
    private static final String FILLER = "Budgets that hold across replicas need a single owner of what is left. ";

    private final List<String> gateways;
    private final String key;
    private final Mix mix;
    private final Duration pause;
    private final ExecutorService pool;
    private final List<Future<?>> clients = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger stopped = new AtomicInteger();
    final List<Answer> answers = new CopyOnWriteArrayList<>();

    /**
     * Starts {@code clientsPerGateway} clients on each of {@code gateways}.
     *
     * @param pause what each client waits between two requests (0: as fast as answered)
     */
    LeaseLoad(List<String> gateways, String key, int clientsPerGateway, Mix mix, Duration pause) {
        this.gateways = List.copyOf(gateways);
        this.key = key;
        this.mix = mix;
        this.pause = pause;
        this.pool = Executors.newFixedThreadPool(clientsPerGateway * gateways.size());
        int id = 0;
        for (int g = 0; g < gateways.size(); g++) {
            for (int c = 0; c < clientsPerGateway; c++) {
                int gateway = g;
                long seed = id++;
                clients.add(pool.submit(() -> client(gateway, new Random(seed))));
            }
        }
    }

    /** Waits until every client stopped on a final refusal; false when {@code timeout} passed first. */
    boolean awaitExhausted(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (stopped.get() == clients.size()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Stops every client and waits for them. */
    @Override
    public void close() throws Exception {
        running.set(false);
        for (Future<?> client : clients) {
            client.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
    }

    /** Answers with {@code status}, from {@code fromMs} to {@code toMs}. */
    List<Answer> answered(int status, long fromMs, long toMs) {
        return answers.stream().filter(a -> a.status() == status && a.atMs() >= fromMs && a.atMs() < toMs).toList();
    }

    /** How many answers had status {@code status}. */
    long count(int status) {
        return answers.stream().filter(a -> a.status() == status).count();
    }

    /** How many answers carried error code {@code code}. */
    long count(String code) {
        return answers.stream().filter(a -> code.equals(a.code())).count();
    }

    private Void client(int gateway, Random random) throws Exception {
        while (running.get()) {
            boolean stream = mix == Mix.PROBE && random.nextInt(3) == 0;
            HttpResponse<String> answer = BudgetClients.send(HttpRequest.newBuilder(URI.create(gateways.get(gateway)
                            + "/v1/chat/completions")).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body(random, stream))).build());
            String code = null;
            String body = null;
            if (answer.statusCode() != 200) {
                body = answer.body();
                Matcher m = CODE.matcher(body);
                code = m.find() ? m.group(1) : null;
            }
            answers.add(new Answer(System.currentTimeMillis(), gateway, answer.statusCode(), code,
                    answer.headers().firstValue("x-request-id").orElse(null), body));
            if (answer.statusCode() == 429 && (body.contains("is spent")
                    || body.contains("less than this request may cost"))) {
                stopped.incrementAndGet();
                return null;
            }
            if (answer.statusCode() != 200) {
                Thread.sleep(RETRY_PAUSE_MS); // both refusals that may pass ask to retry after a second
            }
            if (!pause.isZero()) {
                Thread.sleep(pause.toMillis());
            }
        }
        return null;
    }

    private String body(Random random, boolean stream) {
        if (mix == Mix.README) {
            return BudgetClients.CHAT;
        }
        int maxTokens = 8 + random.nextInt(97);
        String content = switch (random.nextInt(3)) {
            case 0 -> "Hello!";
            case 1 -> FILLER.repeat(3);
            default -> FILLER.repeat(11);
        };
        return "{\"model\":\"sim-llama-3-8b\",\"max_tokens\":" + maxTokens + (stream ? ",\"stream\":true" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
    }
}
