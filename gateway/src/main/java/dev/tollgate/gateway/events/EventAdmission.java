package dev.tollgate.gateway.events;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Decides whether a new request may start while Kafka is away. A request produces {@link #EVENTS_PER_REQUEST}
 * events (usage, request, trace). Under {@code fail-closed} (the default) a request is refused up front when
 * the buffer has no room for them, so the gateway never does billed work whose usage event it cannot keep.
 * Under {@code fail-open} every request is served and the events that do not fit are lost and counted. A full
 * {@link EventJournal} counts as a full buffer: under {@code fail-closed} no request starts whose events could not be
 * journaled.
 */
@Singleton
public class EventAdmission {

    /** Usage, request and trace event. */
    public static final int EVENTS_PER_REQUEST = 3;

    private final EventPublisher publisher;
    private final EventJournal journal;
    private final boolean failClosed;

    @Inject
    EventAdmission(EventPublisher publisher, EventJournal journal, EventsConfig config) {
        this.publisher = publisher;
        this.journal = journal;
        this.failClosed = config.whenFull() == EventsConfig.WhenFull.FAIL_CLOSED;
    }

    /** Whether a new request may go ahead. Never blocks. */
    public boolean admits() {
        return !failClosed || (publisher.hasRoomFor(EVENTS_PER_REQUEST) && journal.hasRoom());
    }
}
