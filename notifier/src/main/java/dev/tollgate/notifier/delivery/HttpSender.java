package dev.tollgate.notifier.delivery;

import dev.tollgate.notifier.config.NotifierConfig;
import dev.tollgate.notifier.receivers.Receiver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;

/**
 * POSTs one notification to one receiver. The receiver's URL is used here and nowhere else: no outcome, error or log
 * line carries it (an exception's message can name the host and path, so only its kind is kept).
 */
@ApplicationScoped
public class HttpSender {

    private final HttpClient http;
    private final Duration timeout;

    @Inject
    HttpSender(NotifierConfig config) {
        this.timeout = config.httpTimeout();
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * What one POST came to.
     *
     * @param delivered    whether the receiver took it (2xx)
     * @param status       its HTTP status, or null when none came
     * @param error        why it failed, never with the URL
     * @param permanent    whether retrying cannot help (a 4xx other than 408 and 429)
     * @param retryAfter   the receiver's {@code Retry-After}, when it sent one
     */
    public record Outcome(boolean delivered, Integer status, String error, boolean permanent,
                          Optional<Duration> retryAfter) {
    }

    /** Sends {@code body} with {@code Idempotency-Key: notificationId}, so a receiver can drop a repeated attempt. */
    public Outcome post(Receiver receiver, String notificationId, String body) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(receiver.url())).timeout(timeout)
                    .header("Content-Type", "application/json").header("User-Agent", "tollgate-notifier")
                    .header("Idempotency-Key", notificationId)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        } catch (IllegalArgumentException e) {
            return new Outcome(false, null, "the receiver's URL is not usable", true, Optional.empty());
        }
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            if (status / 100 == 2) {
                return new Outcome(true, status, null, false, Optional.empty());
            }
            boolean permanent = status / 100 == 4 && status != 408 && status != 429;
            Optional<Duration> retryAfter = response.headers().firstValue("Retry-After").flatMap(HttpSender::seconds);
            return new Outcome(false, status, "the receiver answered " + status, permanent, retryAfter);
        } catch (HttpTimeoutException e) {
            return new Outcome(false, null, "no answer within " + timeout.toMillis() + " ms", false, Optional.empty());
        } catch (IOException e) {
            return new Outcome(false, null, "could not reach the receiver (" + e.getClass().getSimpleName() + ")",
                    false, Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, null, "interrupted", false, Optional.empty());
        }
    }

    private static Optional<Duration> seconds(String value) {
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim()))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
