package dev.tollgate.streams.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Set;

import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

class KeyOwnerTest {

    private static final HostInfo SELF = new HostInfo("10.0.0.1", 8080);
    private static final HostInfo OTHER = new HostInfo("10.0.0.2", 8080);

    @Test
    void readsLocallyWhenThisInstanceOwnsTheKey() {
        assertThat(KeyOwner.locate(new KeyQueryMetadata(SELF, Set.of(OTHER), 3), Optional.of(SELF)))
                .isInstanceOf(KeyOwner.Local.class);
    }

    @Test
    void routesToTheInstanceThatOwnsTheKey() {
        assertThat(KeyOwner.locate(new KeyQueryMetadata(OTHER, Set.of(SELF), 3), Optional.of(SELF)))
                .isEqualTo(new KeyOwner.Remote(OTHER));
    }

    @Test
    void knowsNoOwnerWhileStreamsHasNoMetadata() {
        assertThat(KeyOwner.locate(KeyQueryMetadata.NOT_AVAILABLE, Optional.of(SELF)))
                .isInstanceOf(KeyOwner.Unknown.class);
    }

    @Test
    void readsLocallyWhenRunningAsTheOnlyInstance() {
        assertThat(KeyOwner.locate(KeyQueryMetadata.NOT_AVAILABLE, Optional.empty()))
                .isInstanceOf(KeyOwner.Local.class);
    }
}
