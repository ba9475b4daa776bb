package dev.tollgate.streams.intake;

import java.util.Objects;

import dev.tollgate.events.v1.RequestEvent;
import dev.tollgate.streams.deadletter.DeadLetter;

/** The outcome of decoding one record of the requests topic: an event to score, or a dead letter. */
public sealed interface RequestDecoding {

    /**
     * A decodable request event.
     *
     * @param event the decoded event
     */
    record Accepted(RequestEvent event) implements RequestDecoding {
        public Accepted {
            Objects.requireNonNull(event, "event");
        }
    }

    /**
     * A record that cannot be read.
     *
     * @param deadLetter the original bytes and the reason
     */
    record Rejected(DeadLetter deadLetter) implements RequestDecoding {
        public Rejected {
            Objects.requireNonNull(deadLetter, "deadLetter");
        }
    }
}
