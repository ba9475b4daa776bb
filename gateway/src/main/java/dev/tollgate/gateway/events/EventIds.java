package dev.tollgate.gateway.events;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Random version-4 UUIDs for event ids and request ids, from a fast generator per thread.
 *
 * <p>Why not {@link UUID#randomUUID()}: it draws from one shared {@code SecureRandom}, which is synchronized and
 * costs a digest per call, and the gateway makes four ids per request on its event loops. Why not
 * {@code ThreadLocalRandom}: its 64-bit state means every thread of every replica walks the same cycle of 2^64
 * values from a start derived from the clock, so two replicas could repeat each other's ids, and consumers drop
 * an event whose id they saw before. Each thread here gets its own xoshiro256++ generator (256 bits of state)
 * seeded once from {@link SecureRandom}: 122 random bits per id, as with {@code randomUUID}, and the same string
 * form, so nothing downstream can tell. The ids need to be unique, not unpredictable: nobody authenticates with
 * them.
 */
public final class EventIds {

    private static final SecureRandom SEEDS = new SecureRandom();
    private static final ThreadLocal<RandomGenerator> RANDOM = ThreadLocal.withInitial(EventIds::newGenerator);

    private EventIds() {
    }

    /** A new random (version 4, IETF variant) UUID in its 36-character string form. */
    public static String newId() {
        RandomGenerator random = RANDOM.get();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    private static RandomGenerator newGenerator() {
        byte[] seed = new byte[32];
        synchronized (SEEDS) {
            SEEDS.nextBytes(seed);
        }
        // JDK 17 packs seed bytes into the state words without masking them (RandomSupport.
        // convertSeedBytesToLongs), so a negative byte sets all the bits above it, and the first ids of a thread
        // came out mostly ones. With the top bit of each byte cleared, the state gets 224 unbiased random bits.
        for (int i = 0; i < seed.length; i++) {
            seed[i] &= 0x7F;
        }
        return RandomGeneratorFactory.of("Xoshiro256PlusPlus").create(seed);
    }
}
