package dev.imagesearch.cli;

import dev.imagesearch.IndexListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Shows indexing progress on stderr: count/total, rate and ETA. On a terminal a bar is redrawn in place (with
 * {@code \r}, at most five times a second, and only once the run has lasted a second, so short runs stay
 * quiet); otherwise (CI logs, pipes) a plain line is printed every {@link #LINE_INTERVAL_NANOS}.
 */
final class Progress implements IndexListener {

    /** How progress is shown. */
    enum Mode {
        /** A bar on a terminal, lines otherwise. */
        AUTO,
        /** A bar redrawn in place. */
        BAR,
        /** A plain line now and then. */
        LINES,
        /** Nothing. */
        NONE;

        Mode resolve() {
            if (this != AUTO) {
                return this;
            }
            return System.console() != null ? BAR : LINES;
        }
    }

    static final long BAR_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    static final long BAR_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long LINE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int BAR_WIDTH = 24;

    private final PrintWriter err;
    private final int total;
    private final Mode mode;
    private final LongSupplier nanoTime;
    private final long start;
    private long lastDraw;
    private int done;
    private int failed;
    private int lastWidth;
    private boolean drawn;

    Progress(PrintWriter err, int total, Mode mode, LongSupplier nanoTime) {
        this.err = Objects.requireNonNull(err);
        this.total = total;
        this.mode = mode.resolve();
        this.nanoTime = nanoTime;
        this.start = nanoTime.getAsLong();
        this.lastDraw = start;
    }

    @Override
    public void fileDone(Path path, Outcome outcome, String reason) {
        done++;
        if (outcome == Outcome.FAILED) {
            failed++;
        }
        long now = nanoTime.getAsLong();
        switch (mode) {
            case BAR -> {
                if (now - start >= BAR_DELAY_NANOS && (!drawn || now - lastDraw >= BAR_INTERVAL_NANOS)) {
                    drawBar(now);
                }
            }
            case LINES -> {
                if (now - lastDraw >= LINE_INTERVAL_NANOS) {
                    lastDraw = now;
                    err.println("imagesearch: " + line(done, total, failed, now - start));
                    err.flush();
                }
            }
            default -> {
            }
        }
    }

    /** Ends the bar's line (drawing the final state) so that what follows starts on a fresh line. */
    void finish() {
        if (mode == Mode.BAR && drawn) {
            drawBar(nanoTime.getAsLong());
            err.println();
            err.flush();
        }
    }

    private void drawBar(long now) {
        String text = bar(done, total, failed, now - start);
        int pad = Math.max(0, lastWidth - text.length()); // wipe the tail of a longer previous line
        err.print("\r" + text + " ".repeat(pad));
        err.flush();
        lastWidth = text.length();
        lastDraw = now;
        drawn = true;
    }

    /** {@code [#######-----------------]   12/43  27%  3.4 img/s  ETA 0:09  1 failed} */
    static String bar(int done, int total, int failed, long elapsedNanos) {
        int filled = total <= 0 ? BAR_WIDTH : (int) Math.min(BAR_WIDTH, (long) done * BAR_WIDTH / total);
        int digits = String.valueOf(Math.max(total, 0)).length();
        StringBuilder sb = new StringBuilder();
        sb.append('[').append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled)).append("] ");
        sb.append(String.format(Locale.ROOT, "%" + digits + "d/%d  %3d%%  %s img/s  ETA %s", done, total,
                percent(done, total), rate(done, elapsedNanos), eta(done, total, elapsedNanos)));
        if (failed > 0) {
            sb.append("  ").append(failed).append(" failed");
        }
        return sb.toString();
    }

    /** {@code 12/43 files (27%), 3.4 img/s, ETA 0:09, 1 failed} */
    static String line(int done, int total, int failed, long elapsedNanos) {
        String s = String.format(Locale.ROOT, "%d/%d files (%d%%), %s img/s, ETA %s", done, total,
                percent(done, total), rate(done, elapsedNanos), eta(done, total, elapsedNanos));
        return failed > 0 ? s + ", " + failed + " failed" : s;
    }

    private static int percent(int done, int total) {
        return total <= 0 ? 100 : (int) ((long) done * 100 / total);
    }

    /** Files per second over the whole run so far, one decimal. */
    static String rate(int done, long elapsedNanos) {
        if (elapsedNanos <= 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f", done * 1e9 / elapsedNanos);
    }

    /** Time left at the average rate so far, as {@code m:ss} or {@code h:mm:ss}; {@code --:--} when unknown. */
    static String eta(int done, int total, long elapsedNanos) {
        if (done <= 0 || elapsedNanos <= 0) {
            return "--:--";
        }
        long seconds = Math.round((double) (total - done) * elapsedNanos / done / 1e9);
        return clock(Math.max(0, seconds));
    }

    /** {@code 75 -> 1:15}, {@code 3725 -> 1:02:05}. */
    static String clock(long seconds) {
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s)
                : String.format(Locale.ROOT, "%d:%02d", m, s);
    }
}
