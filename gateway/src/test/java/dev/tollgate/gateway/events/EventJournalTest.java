package dev.tollgate.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.gateway.journal.Journal;
import dev.tollgate.gateway.openai.TokenUsage;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.Price;
import dev.tollgate.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's events through the journal: what a restarted process replays, and what it never does. */
class EventJournalTest {

    private static final int SEGMENT = 64 * 1024;
    private static final Principal ACME = new Principal("key-1", "acme", null, Set.of());
    private static final Endpoint ENDPOINT = new Endpoint("ep-1", "llama", URI.create("http://127.0.0.1:8000"),
            new Price(1_000_000, 2_000_000, 3));

    @TempDir
    Path dir;

    @Test
    void aRestartedProcessReplaysAJournaledUsageEventWithItsTopicKeyAndEventId() {
        UsageEvent event = usage("req-1");
        EventJournal first = journal(8);
        assertThat(first.append(Topics.USAGE, "org:acme", event)).isNotNegative();
        first.close(); // the process dies: nothing acknowledged

        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        EventJournal second = new EventJournal(open(8), 0.8, metrics);
        List<ProducerRecord<String, SpecificRecord>> replayed = replay(second);

        assertThat(replayed).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo(Topics.USAGE);
            assertThat(r.key()).isEqualTo("org:acme");
            assertThat(r.value()).isEqualTo(event);
        });
        assertThat(metrics.get("tollgate.events.journal.replayed").tag("topic", Topics.USAGE).functionCounter()
                .count()).isEqualTo(1);
        second.close();
    }

    @Test
    void aReplayedUsageEventKeepsTheProducerStampItWasJournaledWith() {
        // The replaying process has a stamp of its own; the event must keep the one of the process that created it,
        // or the streams app could not recognise a replay of an event Kafka already had.
        UsageEvent event = UsageRecorder.toEvent(new UsageRecorder.Outcome("req-9", ACME, "llama", ENDPOINT, null,
                null, false, Instant.parse("2026-11-22T10:00:00Z"), 42, null, new TokenUsage(100, 20, 0, false),
                RequestStatus.OK, 200, null, 1), new ProducerStamp("gateway-before-the-crash"));
        EventJournal first = journal(8);
        first.append(Topics.USAGE, "org:acme", event);
        first.close();

        EventJournal second = journal(8);
        List<ProducerRecord<String, SpecificRecord>> replayed = replay(second);

        assertThat(replayed).singleElement().satisfies(r -> {
            UsageEvent again = (UsageEvent) r.value();
            assertThat(again.getProducerId()).isEqualTo("gateway-before-the-crash");
            assertThat(again.getProducerSequence()).isEqualTo(1L);
            assertThat(again.getEventId()).isEqualTo(event.getEventId());
        });
        second.close();
    }

    @Test
    void anEventKafkaAcknowledgedIsNeverReplayed() {
        EventJournal first = journal(8);
        long acknowledged = first.append(Topics.USAGE, "org:acme", usage("req-1"));
        first.append(Topics.USAGE, "org:acme", usage("req-2"));
        first.acknowledge(acknowledged);
        first.close();

        EventJournal second = journal(8);
        assertThat(replay(second)).extracting(r -> ((UsageEvent) r.value()).getRequestId())
                .containsExactly("req-2");
        second.close();
    }

    @Test
    void aRecordThatCannotBeDecodedIsCountedAndSetAsideInsteadOfReplayedAgainAndAgain() {
        try (Journal raw = open(8)) {
            byte[] garbage = {1, 2, 3, 4, 5};
            raw.append((byte) 1, garbage, 0, garbage.length); // kind 1, usage: but not an encoded usage event
        }
        EventJournal second = journal(8);
        assertThat(replay(second)).isEmpty();
        assertThat(second.status().unreadable()).isEqualTo(1);
        second.close();

        EventJournal third = journal(8);
        assertThat(replay(third)).as("acknowledged once found unreadable").isEmpty();
        third.close();
    }

    @Test
    void aFullJournalRefusesNewRequestsRoomAndCountsWhatItCouldNotKeep() {
        EventJournal journal = journal(2);
        int journaled = 0;
        while (journal.append(Topics.USAGE, "org:acme", usage("req-" + journaled)) != EventJournal.NONE) {
            journaled++;
        }
        assertThat(journaled).isPositive();
        assertThat(journal.hasRoom()).isFalse();
        assertThat(journal.status().full()).isTrue();
        assertThat(journal.aboveHighWater()).isTrue();
        journal.close();
    }

    @Test
    void scopedToUsageItLeavesRequestAndTraceEventsToMemory() {
        EventJournal usageOnly = new EventJournal(Journal.open(new Journal.Settings(dir.resolve("usage-only"), SEGMENT,
                8L * SEGMENT, Duration.ZERO)), EventsConfig.Scope.USAGE, 0.8, new SimpleMeterRegistry());
        EventJournal all = journal(8);

        assertThat(usageOnly.enabled()).isTrue();
        assertThat(usageOnly.journalsAll()).as("request and trace events are not journaled").isFalse();
        assertThat(usageOnly.append(Topics.USAGE, "org:acme", usage("req-1"))).isNotEqualTo(EventJournal.NONE);
        assertThat(all.journalsAll()).isTrue();
        assertThat(new EventJournal(null, EventsConfig.Scope.ALL, 0.8, new SimpleMeterRegistry()).journalsAll())
                .as("off, nothing is journaled whatever the scope").isFalse();
    }

    @Test
    void offItJournalsNothingAndAlwaysHasRoom() {
        EventJournal off = new EventJournal(null, 0.8, new SimpleMeterRegistry());

        assertThat(off.enabled()).isFalse();
        assertThat(off.append(Topics.USAGE, "org:acme", usage("req-1"))).isEqualTo(EventJournal.NONE);
        assertThat(off.hasRoom()).isTrue();
        assertThat(off.status()).isNull();
        assertThat(replay(off)).isEmpty();
    }

    private EventJournal journal(int segments) {
        return new EventJournal(open(segments), 0.8, new SimpleMeterRegistry());
    }

    private Journal open(int segments) {
        return Journal.open(new Journal.Settings(dir, SEGMENT, (long) segments * SEGMENT, Duration.ZERO));
    }

    private static List<ProducerRecord<String, SpecificRecord>> replay(EventJournal journal) {
        List<ProducerRecord<String, SpecificRecord>> records = new ArrayList<>();
        journal.replay((record, ticket) -> records.add(record));
        return records;
    }

    private static UsageEvent usage(String requestId) {
        return UsageRecorder.toEvent(new UsageRecorder.Outcome(requestId, ACME, "llama", ENDPOINT, null, null, false,
                Instant.parse("2026-11-22T10:00:00Z"), 42, null, new TokenUsage(100, 20, 0, false), RequestStatus.OK,
                200, null, 1));
    }
}
