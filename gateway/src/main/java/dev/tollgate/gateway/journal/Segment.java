package dev.tollgate.gateway.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

/**
 * One segment file of the journal, memory-mapped whole: a header, then frames one after the other.
 *
 * <pre>
 * header (64 bytes): magic "TGJRNL01" (8) | segment id (4) | capacity (4) | created at, epoch ms (8) | zeros
 * frame:             length (4) | CRC32C (4) | appended at, epoch ms (8) | kind (1) | state (1) | 0 (2) | payload,
 *                    padded with zeros to a multiple of 8
 * </pre>
 *
 * <p>The CRC covers the length, the time, the kind and the payload; not the state byte, which is the only byte ever
 * written twice: 0 when appended, 1 once Kafka acknowledged the record. A frame's length is written last, so a frame
 * cut short by the death of the process reads as length 0 with bytes after it, which recovery reports as lost. A
 * file's untouched pages read as zeros (the file is sparse), so the first zero length is the end of the data.
 *
 * <p>Not thread-safe except for {@link #acknowledge}: the {@link Journal} serialises everything else.
 */
final class Segment {

    static final int HEADER_BYTES = 64;
    static final int FRAME_HEADER_BYTES = 20;
    static final long MAGIC = 0x31304c4e524a4754L; // "TGJRNL01" read little-endian
    static final String SUFFIX = ".seg";

    private static final int STATE_OFFSET = 17;
    private static final byte PENDING = 0;
    private static final byte ACKNOWLEDGED = 1;

    final int id;
    final Path path;
    final int capacity;
    final long createdAtMillis;
    private final FileChannel channel;
    private final MappedByteBuffer map;

    /** Where the next frame goes (appends), or the end of the valid frames (a recovered segment). */
    int position = HEADER_BYTES;
    /** Frames appended, or pending frames found by recovery: the acknowledgements that retire the segment. */
    int frames;
    /** The first frame that may still be pending, for the age of the oldest pending record. */
    int cursor = HEADER_BYTES;
    /** Acknowledgements received. */
    final AtomicInteger acknowledged = new AtomicInteger();
    /** The acknowledgements that retire the segment once it takes no more appends; -1 while it still does. */
    volatile int expected = -1;
    final AtomicBoolean retired = new AtomicBoolean();
    /**
     * While {@link Journal#replay} reads the segment: it must not be unmapped under the reader, even when its last
     * record is acknowledged meanwhile (the replay retires it once done).
     */
    volatile boolean pinned;

    private Segment(int id, Path path, int capacity, long createdAtMillis, FileChannel channel, MappedByteBuffer map) {
        this.id = id;
        this.path = path;
        this.capacity = capacity;
        this.createdAtMillis = createdAtMillis;
        this.channel = channel;
        this.map = map;
    }

    static Path path(Path directory, int id) {
        return directory.resolve(String.format("%010d%s", id, SUFFIX));
    }

    /** A new, empty segment file of {@code capacity} bytes (sparse until written). */
    static Segment create(Path directory, int id, int capacity) throws IOException {
        Path path = path(directory, id);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            MappedByteBuffer map = map(channel, capacity);
            long now = System.currentTimeMillis();
            map.putLong(0, MAGIC).putInt(8, id).putInt(12, capacity).putLong(16, now);
            return new Segment(id, path, capacity, now, channel, map);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(path);
            throw e;
        }
    }

    /**
     * Opens an existing segment file as it is, without changing its size. Null when it is too short to hold a
     * header or its header is not one of ours; the caller reports it.
     */
    static Segment open(Path path, int id) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long size = channel.size();
            if (size < HEADER_BYTES || size > Integer.MAX_VALUE) {
                channel.close();
                return null;
            }
            MappedByteBuffer map = map(channel, (int) size);
            if (map.getLong(0) != MAGIC || map.getInt(8) != id) {
                channel.close();
                return null;
            }
            return new Segment(id, path, (int) size, map.getLong(16), channel, map);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static MappedByteBuffer map(FileChannel channel, int size) throws IOException {
        MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
        map.order(ByteOrder.LITTLE_ENDIAN);
        return map;
    }

    static int frameBytes(int payloadLength) {
        return (FRAME_HEADER_BYTES + payloadLength + 7) & ~7;
    }

    /** Whether a frame of {@code payloadLength} bytes fits after the last one. */
    boolean fits(int payloadLength) {
        return (long) position + frameBytes(payloadLength) <= capacity;
    }

    /**
     * Writes a frame at {@link #position} and returns its offset. The length goes last, so that a frame is either
     * whole or reads as the end of the data with lost bytes behind it.
     */
    int append(byte kind, byte[] payload, int offset, int length, long nowMillis, CRC32C crc) {
        int at = position;
        map.putLong(at + 8, nowMillis).put(at + 16, kind).put(at + STATE_OFFSET, PENDING).putShort(at + 18, (short) 0);
        map.put(at + FRAME_HEADER_BYTES, payload, offset, length);
        crc.reset();
        updateHeader(crc, length, nowMillis, kind);
        crc.update(payload, offset, length);
        map.putInt(at + 4, (int) crc.getValue());
        map.putInt(at, length);
        position = at + frameBytes(length);
        frames++;
        return at;
    }

    /** Marks the frame at {@code offset} acknowledged; returns the acknowledgements so far. Any thread. */
    int acknowledge(int offset) {
        map.put(offset + STATE_OFFSET, ACKNOWLEDGED);
        return acknowledged.incrementAndGet();
    }

    boolean pending(int offset) {
        return map.get(offset + STATE_OFFSET) == PENDING;
    }

    long appendedAt(int offset) {
        return map.getLong(offset + 8);
    }

    byte kind(int offset) {
        return map.get(offset + 16);
    }

    int length(int offset) {
        return map.getInt(offset);
    }

    /** The payload of the frame at {@code offset}, as a read-only view valid until the segment is retired. */
    ByteBuffer payload(int offset) {
        return map.duplicate().position(offset + FRAME_HEADER_BYTES).limit(offset + FRAME_HEADER_BYTES
                + length(offset)).slice().asReadOnlyBuffer();
    }

    /** The frame after the one at {@code offset}. */
    int next(int offset) {
        return offset + frameBytes(length(offset));
    }

    /**
     * Reads the frame at {@code offset} as recovery does.
     *
     * @return {@link Scan#END} at the first zero length, {@link Scan#BAD} when the frame does not fit the file or
     *         its CRC does not match, {@link Scan#WHOLE} otherwise
     */
    Scan check(int offset, CRC32C crc) {
        if (offset + FRAME_HEADER_BYTES > capacity) {
            return Scan.END;
        }
        int length = map.getInt(offset);
        if (length == 0) {
            return Scan.END;
        }
        if (length < 0 || (long) offset + frameBytes(length) > capacity) {
            return Scan.BAD;
        }
        crc.reset();
        updateHeader(crc, length, map.getLong(offset + 8), map.get(offset + 16));
        crc.update(map.duplicate().position(offset + FRAME_HEADER_BYTES).limit(offset + FRAME_HEADER_BYTES + length));
        return (int) crc.getValue() == map.getInt(offset + 4) ? Scan.WHOLE : Scan.BAD;
    }

    /** One past the last non-zero byte at or after {@code from}, or {@code from} when all of them are zero. */
    int endOfData(int from) {
        int i = capacity;
        // eight bytes at a time down to an aligned offset above from, then byte by byte
        while (i - 8 >= from && map.getLong(i - 8) == 0) {
            i -= 8;
        }
        while (i > from && map.get(i - 1) == 0) {
            i--;
        }
        return i;
    }

    /** Writes the mapped pages through to the disk (fsync of the file). Safe while frames are appended. */
    void force() throws IOException {
        channel.force(false);
    }

    /** Closes the file; the mapping stays valid until the segment is retired or the JVM exits. */
    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes, unmaps and deletes the file. Nothing may touch the mapping afterwards. */
    void delete() throws IOException {
        close();
        Unmapper.unmap(map);
        Files.deleteIfExists(path);
    }

    /** Length, time and kind into the CRC byte by byte: no buffer to allocate for 13 bytes. */
    private static void updateHeader(CRC32C crc, int length, long appendedAt, byte kind) {
        for (int shift = 0; shift < 32; shift += 8) {
            crc.update(length >>> shift);
        }
        for (int shift = 0; shift < 64; shift += 8) {
            crc.update((int) (appendedAt >>> shift));
        }
        crc.update(kind);
    }

    /** What recovery found at a frame. */
    enum Scan { WHOLE, END, BAD }
}
