package dev.tollgate.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EventIdsTest {

    @Test
    void makesVersion4UuidsInTheUsualStringForm() {
        for (int i = 0; i < 1_000; i++) {
            String id = EventIds.newId();
            UUID uuid = UUID.fromString(id);

            assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(uuid.toString()).isEqualTo(id);
        }
    }

    @Test
    void setsHalfOfTheRandomBitsEvenInTheFirstIdsOfNewThreads() throws Exception {
        int ids = 4_000;
        long ones = 0;
        for (int t = 0; t < ids / 4; t++) {
            long[] counted = new long[1];
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 4; i++) {
                    UUID uuid = UUID.fromString(EventIds.newId());
                    counted[0] += Long.bitCount(uuid.getMostSignificantBits() & ~0xF000L)
                            + Long.bitCount(uuid.getLeastSignificantBits() & 0x3FFFFFFFFFFFFFFFL);
                }
            });
            thread.start();
            thread.join();
            ones += counted[0];
        }

        // 122 random bits per id: 61 set on average, give or take 0.1 over 4,000 ids.
        assertThat((double) ones / ids).isBetween(60.5, 61.5);
    }

    @Test
    void neverRepeatsAcrossThreads() {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        IntStream.range(0, 8).parallel().forEach(t -> {
            Set<String> mine = new HashSet<>();
            for (int i = 0; i < 50_000; i++) {
                mine.add(EventIds.newId());
            }
            ids.addAll(mine);
        });

        assertThat(ids).hasSize(8 * 50_000);
    }
}
