package dev.tollgate.streams.query;

import java.util.Optional;

import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

/** Which instance serves a key of a store: this one, another one, or none right now. */
public sealed interface KeyOwner {

    /** This instance holds the active copy. */
    record Local() implements KeyOwner {
    }

    /**
     * Another instance holds the active copy.
     *
     * @param host its {@code application.server}
     */
    record Remote(HostInfo host) implements KeyOwner {
    }

    /** No instance is known to hold it, e.g. during a rebalance. */
    record Unknown() implements KeyOwner {
    }

    /**
     * Where the key described by {@code metadata} lives, seen from {@code self}. Without an
     * {@code application.server} ({@code self} empty) the app runs as one instance and every key is local.
     */
    static KeyOwner locate(KeyQueryMetadata metadata, Optional<HostInfo> self) {
        if (self.isEmpty()) {
            return new Local();
        }
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)
                || metadata.activeHost() == null || HostInfo.unavailable().equals(metadata.activeHost())) {
            return new Unknown();
        }
        return metadata.activeHost().equals(self.get()) ? new Local() : new Remote(metadata.activeHost());
    }
}
