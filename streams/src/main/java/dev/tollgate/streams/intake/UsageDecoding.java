package dev.tollgate.streams.intake;

import java.util.Objects;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.streams.deadletter.DeadLetter;

/** The outcome of decoding and validating one record of the usage topic: an event to count, or a dead letter. */
public sealed interface UsageDecoding {

    /**
     * A decodable, plausible event.
     *
     * @param event the decoded event
     */
    record Accepted(UsageEvent event) implements UsageDecoding {
        public Accepted {
            Objects.requireNonNull(event, "event");
        }
    }

    /**
     * A record that cannot be counted.
     *
     * @param deadLetter the original bytes and the reason
     */
    record Rejected(DeadLetter deadLetter) implements UsageDecoding {
        public Rejected {
            Objects.requireNonNull(deadLetter, "deadLetter");
        }
    }
}
