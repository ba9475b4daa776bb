package dev.tollgate.streams.rollups;

import java.util.ArrayList;
import java.util.List;

/**
 * One rollup key in a rollup processor's memory: what it received since its task's last commit (one running
 * {@link Rollup.Sum} per minute and set of window sizes still open for it), emptied at every commit, and the value
 * the newest window of each size had when a commit last wrote it ({@link #written}).
 *
 * <p>Why per minute and not per window: an event used to be added to each of its three windows (1 minute, 1 hour,
 * 1 day) of each of its four rollup keys, twelve sketch updates and twelve lookups in one large map of pending
 * windows (a sixth of the stream thread's profile samples in a backlog). Every hour and day window is a whole number
 * of minutes on the same epoch alignment, so an event is now added once per key, to its minute, and each window is
 * assembled at commit from the few minutes that fall in it ({@link #windows}): merging a sketch of a minute costs
 * about what adding one event did, and a minute holds many events.
 *
 * <p>Why the open window sizes are part of the minute: an event is counted only in the windows that were still
 * open when it arrived ({@link RollupPartial#openWindows}), so the events of one minute that came before and after
 * its 1-minute window closed are kept apart, exactly as the endpoint partials are.
 */
final class KeyMinutes {

    /**
     * How many commits that wrote nothing of a key its written values are kept for: long enough for a key with
     * events every few live commits, and few enough to bound them by the keys of a handful of commits.
     */
    static final int KEEP_IDLE_COMMITS = 10;

    private final String key;
    /** In the order first touched; a key sees a few minutes per commit, so a list is searched from its end. */
    private final List<Minute> minutes = new ArrayList<>(2);
    /** The minute last added to: most events of a key fall in the same minute as its previous one. */
    private Minute last;
    private final Rollup[] written = new Rollup[Granularity.values().length];
    private final long[] writtenStart = new long[Granularity.values().length];
    private boolean wroteSinceRetire;
    private int idleCommits;

    KeyMinutes(String key) {
        this.key = key;
    }

    /** The rollup key (or, for the endpoint partials, the endpoint id) this holds the minutes of. */
    String key() {
        return key;
    }

    /** The running sum of the minute starting at {@code minuteStartMs} for events open in {@code openWindows}. */
    Minute at(long minuteStartMs, int openWindows) {
        if (last != null && last.startMs == minuteStartMs && last.openWindows == openWindows) {
            return last;
        }
        for (int i = minutes.size() - 1; i >= 0; i--) {
            Minute minute = minutes.get(i);
            if (minute.startMs == minuteStartMs && minute.openWindows == openWindows) {
                last = minute;
                return minute;
            }
        }
        last = new Minute(minuteStartMs, openWindows);
        minutes.add(last);
        return last;
    }

    /** Whether nothing was added since the last commit. */
    boolean idle() {
        return minutes.isEmpty();
    }

    /** Forgets the minutes, once a commit has written them. */
    void clearMinutes() {
        minutes.clear();
        last = null;
    }

    /**
     * The value a commit last wrote for the window of {@code granularity} starting at {@code startMs}, if that is
     * the newest window of that size written for this key and is still kept; {@code null} otherwise.
     */
    Rollup written(Granularity granularity, long startMs) {
        int at = granularity.ordinal();
        return written[at] != null && writtenStart[at] == startMs ? written[at] : null;
    }

    /** Remembers that a commit wrote {@code value} for the {@code granularity} window starting at {@code startMs}. */
    void wrote(Granularity granularity, long startMs, Rollup value) {
        int at = granularity.ordinal();
        if (written[at] == null || startMs >= writtenStart[at]) {
            written[at] = value;
            writtenStart[at] = startMs;
        }
        wroteSinceRetire = true;
    }

    /**
     * Called once per commit that wrote anything: whether this key has now gone {@link #KEEP_IDLE_COMMITS} such
     * commits without being written, so that its processor may forget it and its written values.
     */
    boolean retire() {
        if (wroteSinceRetire) {
            wroteSinceRetire = false;
            idleCommits = 0;
            return false;
        }
        return ++idleCommits > KEEP_IDLE_COMMITS;
    }

    /** Every minute touched since the last commit. */
    List<Minute> minutes() {
        return minutes;
    }

    /**
     * What this key's windows of {@code granularity} received, one entry per window: the sum of the minutes that fall
     * in it and count in that size. Call once all events are added; the sums are not to be added to afterwards.
     */
    List<WindowDelta> windows(Granularity granularity) {
        List<WindowDelta> windows = new ArrayList<>(2);
        for (Minute minute : minutes) {
            if (!RollupPartial.countsIn(minute.openWindows, granularity)) {
                continue;
            }
            long start = granularity.windowStart(minute.startMs);
            WindowDelta window = find(windows, start);
            if (window == null) {
                windows.add(new WindowDelta(start, minute));
            } else {
                window.add(minute);
            }
        }
        return windows;
    }

    private static WindowDelta find(List<WindowDelta> windows, long start) {
        for (WindowDelta window : windows) {
            if (window.startMs == start) {
                return window;
            }
        }
        return null;
    }

    /** One minute's running sum and the newest record timestamp in it. */
    static final class Minute {
        private final long startMs;
        private final int openWindows;
        private final Rollup.Sum sum = new Rollup.Sum();
        private long latestTimestamp = Long.MIN_VALUE;

        private Minute(long startMs, int openWindows) {
            this.startMs = startMs;
            this.openWindows = openWindows;
        }

        void add(RollupSample sample, long timestamp) {
            sum.add(sample);
            latestTimestamp = Math.max(latestTimestamp, timestamp);
        }

        void merge(Rollup partial, long timestamp) {
            sum.merge(partial);
            latestTimestamp = Math.max(latestTimestamp, timestamp);
        }

        long startMs() {
            return startMs;
        }

        /** The window sizes it counts in, a bit per {@link Granularity#ordinal()}. */
        int openWindows() {
            return openWindows;
        }

        /** What was counted; see {@link Rollup.Sum#rollup}. */
        Rollup rollup() {
            return sum.rollup();
        }

        long latestTimestamp() {
            return latestTimestamp;
        }
    }

    /** What one window received: the sum of its minutes, and the newest record timestamp among them. */
    static final class WindowDelta {
        private final long startMs;
        private final Rollup first;
        private Rollup.Sum more;
        private long latestTimestamp;

        private WindowDelta(long startMs, Minute minute) {
            this.startMs = startMs;
            this.first = minute.rollup();
            this.latestTimestamp = minute.latestTimestamp;
        }

        private void add(Minute minute) {
            if (more == null) {
                more = new Rollup.Sum(first);
            }
            more.merge(minute.rollup());
            latestTimestamp = Math.max(latestTimestamp, minute.latestTimestamp);
        }

        long startMs() {
            return startMs;
        }

        /** The sum of the window's minutes. */
        Rollup rollup() {
            return more == null ? first : more.rollup();
        }

        long latestTimestamp() {
            return latestTimestamp;
        }
    }
}
