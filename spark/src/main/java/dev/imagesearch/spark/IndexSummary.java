package dev.imagesearch.spark;

import java.util.List;

/**
 * What an indexing job did, counted over (image, model) rows; see {@link ResultRows.Status}.
 *
 * @param embedded  rows embedded by this run
 * @param linked    rows whose vector was already stored and whose location was written
 * @param unchanged rows already complete (an incremental rerun skips them)
 * @param failed    rows that failed, with a sample of them in {@code failures}
 * @param failures  up to {@link #MAX_FAILURES} failed rows as {@code location (model): error}
 */
public record IndexSummary(long embedded, long linked, long unchanged, long failed, List<String> failures) {

    /** How many failures a summary lists. */
    public static final int MAX_FAILURES = 100;

    public IndexSummary {
        failures = List.copyOf(failures);
    }

    /** Rows in all. */
    public long total() {
        return embedded + linked + unchanged + failed;
    }
}
