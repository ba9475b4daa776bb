package dev.tollgate.gateway.observability;

import dev.tollgate.gateway.events.EventJournal;
import dev.tollgate.gateway.events.EventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the event journal. DOWN while the events an earlier process left in the journal are not all in Kafka
 * yet ({@code replaying}): a replica that has just come back from a crash owes usage the budgets do not count yet.
 * DOWN too while the journal is above the high-water mark of its segments
 * ({@code tollgate.events.readiness-high-water}) or has no room for a request's events, so traffic moves to replicas
 * that can still keep their events before this one has to refuse requests. Also reports what recovery found at start:
 * events to replay, bytes of torn or corrupt records, records that could not be read. UP without detail when the
 * journal is off.
 */
@Readiness
@ApplicationScoped
public class EventJournalReadiness implements HealthCheck {

    private final EventJournal journal;
    private final EventPublisher publisher;

    @Inject
    EventJournalReadiness(EventJournal journal, EventPublisher publisher) {
        this.journal = journal;
        this.publisher = publisher;
    }

    @Override
    public HealthCheckResponse call() {
        EventJournal.Status status = journal.status();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("event-journal");
        if (status == null) {
            return response.up().withData("enabled", false).build();
        }
        long replaying = publisher.replaying();
        return response.status(replaying == 0 && !status.full() && !journal.aboveHighWater())
                .withData("enabled", true)
                .withData("bytes", status.bytes())
                .withData("segments", status.segments())
                .withData("max_segments", status.maxSegments())
                .withData("full", status.full())
                .withData("oldest_pending_ms", status.oldestPendingMs())
                .withData("replaying", replaying)
                .withData("recovered_at_start", status.recovered())
                .withData("lost_bytes_at_start", status.lostBytes())
                .withData("unreadable_at_start", status.unreadable())
                .build();
    }
}
