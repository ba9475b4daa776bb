package dev.tollgate.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Reads a vLLM simulator's own Prometheus metrics, for tests that check what the endpoint saw. */
public final class SimulatorScrape {

    private SimulatorScrape() {
    }

    /** The sum of every sample of {@code metric} (all its label sets) on the simulator at {@code baseUrl}. */
    public static double sum(String baseUrl, String metric) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith(metric))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
