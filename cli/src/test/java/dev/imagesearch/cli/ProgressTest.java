package dev.imagesearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.IndexListener.Outcome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private long now = 1_000 * SECOND;

    @Test
    void formats() {
        assertThat(Progress.clock(0)).isEqualTo("0:00");
        assertThat(Progress.clock(75)).isEqualTo("1:15");
        assertThat(Progress.clock(3725)).isEqualTo("1:02:05");
        assertThat(Progress.rate(10, 4 * SECOND)).isEqualTo("2.5");
        assertThat(Progress.rate(10, 0)).isEqualTo("-");
        assertThat(Progress.eta(0, 10, SECOND)).isEqualTo("--:--");
        assertThat(Progress.eta(10, 40, 5 * SECOND)).isEqualTo("0:15");
        assertThat(Progress.bar(12, 48, 0, 4 * SECOND))
                .isEqualTo("[######------------------] 12/48   25%  3.0 img/s  ETA 0:12");
        assertThat(Progress.bar(3, 100, 1, 2 * SECOND))
                .isEqualTo("[------------------------]   3/100    3%  1.5 img/s  ETA 1:05  1 failed");
        assertThat(Progress.bar(48, 48, 0, 4 * SECOND)).startsWith("[########################] 48/48  100%");
        assertThat(Progress.line(12, 48, 2, 4 * SECOND))
                .isEqualTo("12/48 files (25%), 3.0 img/s, ETA 0:12, 2 failed");
    }

    @Test
    void barIsQuietForShortRunsAndRedrawsAtMostFiveTimesASecond() {
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text), 1000, Progress.Mode.BAR, () -> now);
        for (int i = 0; i < 9; i++) { // 0.9 s: nothing yet
            now += SECOND / 10;
            p.fileDone(Path.of("f"), Outcome.INDEXED, null);
        }
        assertThat(text.toString()).isEmpty();
        for (int i = 0; i < 100; i++) { // 1 s more, a file every 10 ms
            now += SECOND / 100;
            p.fileDone(Path.of("f"), Outcome.INDEXED, null);
        }
        long redraws = text.toString().chars().filter(c -> c == '\r').count();
        assertThat(redraws).isBetween(5L, 6L);
        p.finish();
        assertThat(text.toString()).endsWith("\n").contains("109/1000");
        assertThat(text.toString()).doesNotContain("\n\r");
    }

    @Test
    void linesArePlainAndPeriodic() {
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text), 100, Progress.Mode.LINES, () -> now);
        for (int i = 0; i < 100; i++) { // 12 s
            now += 120 * SECOND / 1000;
            p.fileDone(Path.of("f"), i % 50 == 0 ? Outcome.FAILED : Outcome.INDEXED, null);
        }
        p.finish();
        assertThat(text.toString()).doesNotContain("\r");
        assertThat(text.toString().lines()).containsExactly(
                "imagesearch: 42/100 files (42%), 8.3 img/s, ETA 0:07, 1 failed",
                "imagesearch: 84/100 files (84%), 8.3 img/s, ETA 0:02, 2 failed");
    }

    @Test
    void noneIsSilent() {
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text), 10, Progress.Mode.NONE, () -> now);
        now += 100 * SECOND;
        p.fileDone(Path.of("f"), Outcome.INDEXED, null);
        p.finish();
        assertThat(text.toString()).isEmpty();
    }
}
