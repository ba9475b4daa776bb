package dev.tollgate.gateway.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.jboss.logging.Logger;

/**
 * An append-only journal of small records in memory-mapped segment files, truncated segment by segment as its
 * records are acknowledged. What it promises: a record whose {@link #append} returned is in the page cache, so it
 * survives the death of the process (a {@code kill -9}, an OOM kill); it survives a kernel crash or a power loss only
 * once the pages were written back, which {@link Settings#fsyncInterval} bounds.
 *
 * <p>Appends cost a copy into mapped memory under one lock, a few hundred nanoseconds: cheap enough for a Vert.x
 * event loop. Acknowledgements come from any thread without the lock; the thread of the last acknowledgement of a
 * full segment deletes it. At {@link #open} the journal recovers what an earlier process left: every whole record
 * not yet acknowledged is kept for {@link #replay}, and a torn or corrupt tail is skipped and reported, never
 * fatal.
 *
 * <p>A directory belongs to one process at a time: {@link #open} takes a lock file and fails when another process
 * holds it.
 */
public final class Journal implements AutoCloseable {

    /** {@link #append}: the journal is full (or closed); nothing was written. */
    public static final long FULL = -1;
    /** {@link #append}: the record is larger than a segment can hold; nothing was written. */
    public static final long TOO_LARGE = -2;

    private static final Logger LOG = Logger.getLogger(Journal.class);
    private static final String LOCK_FILE = "journal.lock";

    private final Settings settings;
    private final int maxSegments;
    private final FileChannel lockChannel;
    private final FileLock lock;
    /** Every live segment by id: recovered ones first, then the one appended to last. */
    private final Map<Integer, Segment> segments = new ConcurrentSkipListMap<>();
    private final CRC32C crc = new CRC32C();
    private final Recovery recovery;
    private final List<Segment> recovered;
    private final Thread syncer;
    /** The size of {@link #segments}, kept apart because a skip list counts its entries one by one. */
    private volatile int live;
    private int nextId;
    private volatile Segment active;
    private volatile boolean closed;

    /**
     * What a journal is allowed to hold.
     *
     * @param directory     where the segment files live; created when missing
     * @param segmentBytes  the size of one segment file
     * @param maxBytes      at most this many bytes of segments on disk; appends beyond it return {@link #FULL}
     * @param fsyncInterval how often the segments being written are forced to disk; zero for never (the page
     *                      cache outlives the process, not the machine)
     */
    public record Settings(Path directory, int segmentBytes, long maxBytes, Duration fsyncInterval) {
        public Settings {
            if (segmentBytes < 64 * 1024) {
                throw new IllegalArgumentException("a journal segment must hold at least 64 KiB, not " + segmentBytes);
            }
            if (maxBytes < 2L * segmentBytes) {
                throw new IllegalArgumentException("the journal's maximum size (" + maxBytes
                        + " bytes) must hold at least two segments of " + segmentBytes + " bytes");
            }
            if (fsyncInterval.isNegative()) {
                throw new IllegalArgumentException("the journal's fsync interval must not be negative");
            }
        }
    }

    /**
     * What {@link #open} found.
     *
     * @param segments      segment files found
     * @param records       whole records not yet acknowledged, to {@link #replay}
     * @param lostBytes     bytes of torn or corrupt frames, and of files that are not segments of a journal
     * @param damaged       files in which such bytes were found
     */
    public record Recovery(int segments, long records, long lostBytes, int damaged) {
    }

    /** Receives the records to replay. */
    @FunctionalInterface
    public interface Replayer {
        /**
         * One record not yet acknowledged. {@code payload} is valid only during the call. Every ticket given here
         * must be {@link #acknowledge}d once, whether the record could be used or not.
         */
        void replay(byte kind, ByteBuffer payload, long appendedAtMillis, long ticket);
    }

    private Journal(Settings settings, FileChannel lockChannel, FileLock lock) throws IOException {
        this.settings = settings;
        this.maxSegments = (int) Math.min(Integer.MAX_VALUE, settings.maxBytes() / settings.segmentBytes());
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.recovered = new ArrayList<>();
        this.recovery = recover();
        this.syncer = settings.fsyncInterval().isZero() ? null : startSyncer(settings.fsyncInterval());
    }

    /**
     * Opens the journal in {@code settings.directory()}, recovering what an earlier process left there.
     *
     * @throws IllegalStateException when another process uses the directory, or it cannot be written
     */
    public static Journal open(Settings settings) {
        Path directory = settings.directory();
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(directory);
            lockChannel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock = lockChannel.tryLock();
            if (lock == null) {
                throw new IllegalStateException("the event journal " + directory.toAbsolutePath()
                        + " is in use by another process; give every gateway its own journal directory");
            }
            return new Journal(settings, lockChannel, lock);
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new IllegalStateException("cannot open the event journal " + directory.toAbsolutePath() + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    public Recovery recovery() {
        return recovery;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Hands every whole record that recovery found not yet acknowledged to {@code replayer}, oldest first. Call once,
     * at start; later calls find nothing.
     */
    public void replay(Replayer replayer) {
        List<Segment> toReplay;
        synchronized (this) {
            toReplay = new ArrayList<>(recovered);
            recovered.clear();
        }
        for (Segment segment : toReplay) {
            // Pinned: an acknowledgement of its last record (another thread's, or the replayer's own) must not
            // unmap it while this loop still reads it; that would crash the JVM.
            segment.pinned = true;
            try {
                for (int offset = Segment.HEADER_BYTES; offset < segment.position; offset = segment.next(offset)) {
                    if (segment.pending(offset)) {
                        replayer.replay(segment.kind(offset), segment.payload(offset), segment.appendedAt(offset),
                                ticket(segment.id, offset));
                    }
                }
            } finally {
                segment.pinned = false;
                retireIfDone(segment);
            }
        }
    }

    /**
     * Appends a record. Never blocks on I/O: a copy into mapped memory, and once per segment the creation of the next
     * file.
     *
     * @return a ticket to {@link #acknowledge} once the record is safe elsewhere, or {@link #FULL} or
     *         {@link #TOO_LARGE} when nothing was written
     */
    public long append(byte kind, byte[] payload, int offset, int length) {
        if (Segment.frameBytes(length) > settings.segmentBytes() - Segment.HEADER_BYTES) {
            return TOO_LARGE;
        }
        synchronized (this) {
            if (closed) {
                return FULL;
            }
            if (active == null || !active.fits(length)) {
                if (live >= maxSegments || !roll()) {
                    return FULL;
                }
            }
            int at = active.append(kind, payload, offset, length, System.currentTimeMillis(), crc);
            return ticket(active.id, at);
        }
    }

    /**
     * The record of {@code ticket} is safe elsewhere: it will not be replayed, and its segment is deleted once all of
     * its records are. Any thread; call once per ticket.
     */
    public void acknowledge(long ticket) {
        Segment segment = segments.get((int) (ticket >>> 32));
        if (segment == null || closed) {
            return;
        }
        segment.acknowledge((int) ticket);
        retireIfDone(segment);
    }

    /**
     * Retires {@code segment} when it takes no more appends, every record in it was acknowledged and no replay reads
     * it. Both the acknowledging thread and the replay call this after their own write (the count, the pin), so at
     * least one of them sees the other's and retires it; {@link #retire} runs once.
     */
    private void retireIfDone(Segment segment) {
        int expected = segment.expected;
        if (expected >= 0 && segment.acknowledged.get() >= expected && !segment.pinned) {
            retire(segment);
        }
    }

    /** Whether a record of {@code bytes} would fit now. A hint: other threads may take the room first. */
    public boolean hasRoomFor(int bytes) {
        Segment current = active;
        return !closed && (live < maxSegments || (current != null && current.fits(bytes)));
    }

    /** Segment files on disk. */
    public int segments() {
        return live;
    }

    /** The most segment files the journal keeps. */
    public int maxSegments() {
        return maxSegments;
    }

    /** Bytes of frames in the live segments, acknowledged ones included until their segment is deleted. */
    public long bytes() {
        long bytes = 0;
        for (Segment segment : segments.values()) {
            bytes += segment.position - Segment.HEADER_BYTES;
        }
        return bytes;
    }

    /** How long the oldest record not yet acknowledged has waited; zero when there is none. */
    public synchronized Duration oldestPendingAge() {
        if (closed) {
            return Duration.ZERO;
        }
        for (Segment segment : segments.values()) {
            while (segment.cursor < segment.position && !segment.pending(segment.cursor)) {
                segment.cursor = segment.next(segment.cursor);
            }
            if (segment.cursor < segment.position) {
                return Duration.ofMillis(Math.max(0, System.currentTimeMillis() - segment.appendedAt(segment.cursor)));
            }
        }
        return Duration.ZERO;
    }

    /** Stops appending and forcing; mappings stay valid for late acknowledgements, which are then ignored. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (syncer != null) {
            syncer.interrupt();
            try {
                syncer.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            for (Segment segment : segments.values()) {
                if (!settings.fsyncInterval().isZero()) {
                    forceQuietly(segment);
                }
                segment.close();
            }
        }
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it as well
        }
        closeQuietly(lockChannel);
    }

    /** Seals the active segment and starts the next; false when the file cannot be created (logged). */
    private boolean roll() {
        Segment next;
        try {
            next = Segment.create(settings.directory(), nextId, settings.segmentBytes());
        } catch (IOException | RuntimeException e) {
            LOG.errorf("event=journal_segment_not_created directory=%s reason=%s", settings.directory(), e.toString());
            return false;
        }
        nextId++;
        Segment sealed = active;
        segments.put(next.id, next);
        live = segments.size();
        active = next;
        if (sealed != null) {
            seal(sealed, sealed.frames);
        }
        return true;
    }

    /** No more appends to {@code segment}: it is deleted once {@code expected} records were acknowledged. */
    private void seal(Segment segment, int expected) {
        segment.expected = expected;
        retireIfDone(segment);
    }

    private void retire(Segment segment) {
        if (!segment.retired.compareAndSet(false, true)) {
            return;
        }
        synchronized (this) {
            segments.remove(segment.id);
            live = segments.size();
            if (closed) {
                return;
            }
            try {
                segment.delete();
            } catch (IOException | RuntimeException e) {
                LOG.warnf("event=journal_segment_not_deleted file=%s reason=%s", segment.path, e.toString());
            }
        }
    }

    /** Reads every segment file left in the directory, oldest first. */
    private Recovery recover() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(settings.directory())) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(Segment.SUFFIX)).sorted().toList();
        }
        int found = 0;
        int damaged = 0;
        long records = 0;
        long lost = 0;
        int maxId = 0;
        for (Path file : files) {
            found++;
            Integer id = idOf(file);
            Segment segment = id == null ? null : Segment.open(file, id);
            if (segment == null) {
                long size = Files.size(file);
                LOG.errorf("event=journal_file_unreadable file=%s bytes=%d effect=set aside as %s.bad", file, size,
                        file.getFileName());
                Files.move(file, file.resolveSibling(file.getFileName() + ".bad"));
                lost += size;
                damaged++;
                continue;
            }
            maxId = Math.max(maxId, id);
            int pending = 0;
            int offset = Segment.HEADER_BYTES;
            Segment.Scan scan;
            while ((scan = segment.check(offset, crc)) == Segment.Scan.WHOLE) {
                if (segment.pending(offset)) {
                    pending++;
                }
                offset = segment.next(offset);
            }
            int end = segment.endOfData(offset);
            if (scan == Segment.Scan.BAD || end > offset) {
                damaged++;
                lost += end - offset;
                LOG.errorf("event=journal_tail_lost file=%s whole_records_before=%d lost_bytes=%d reason=%s", file,
                        countFrames(segment, offset), end - offset, scan == Segment.Scan.BAD
                                ? "a frame whose length or CRC does not match" : "a frame cut short");
            }
            segment.position = offset;
            segment.frames = pending;
            records += pending;
            segments.put(segment.id, segment);
            live = segments.size();
            if (pending > 0) {
                recovered.add(segment);
            }
            seal(segment, pending);
        }
        nextId = maxId + 1;
        if (found > 0) {
            LOG.infof("event=journal_recovered directory=%s segments=%d records_to_replay=%d lost_bytes=%d damaged=%d",
                    settings.directory(), found, records, lost, damaged);
        }
        return new Recovery(found, records, lost, damaged);
    }

    private static int countFrames(Segment segment, int end) {
        int count = 0;
        for (int offset = Segment.HEADER_BYTES; offset < end; offset = segment.next(offset)) {
            count++;
        }
        return count;
    }

    private static Integer idOf(Path file) {
        String name = file.getFileName().toString();
        String digits = name.substring(0, name.length() - Segment.SUFFIX.length());
        try {
            int id = Integer.parseInt(digits);
            return id > 0 ? id : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private Thread startSyncer(Duration interval) {
        Thread thread = new Thread(() -> {
            while (!closed) {
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                List<Segment> live = new ArrayList<>(segments.values());
                for (Segment segment : live) {
                    if (!segment.retired.get()) {
                        forceQuietly(segment);
                    }
                }
            }
        }, "tollgate-journal-fsync");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void forceQuietly(Segment segment) {
        try {
            segment.force();
        } catch (IOException | RuntimeException e) {
            // a segment deleted meanwhile has nothing left to force
        }
    }

    private static long ticket(int segmentId, int offset) {
        return ((long) segmentId << 32) | (offset & 0xFFFFFFFFL);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
