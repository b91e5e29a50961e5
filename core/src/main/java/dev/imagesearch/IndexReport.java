package dev.imagesearch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one {@code index} call did. Everything counted as {@link #indexed()} or {@link #unchanged()} was durable
 * in the store and the id map when the call returned.
 *
 * @param indexed   files whose vector and location were written (new or changed content, or a new location of
 *                  content already stored)
 * @param embedded  of those, how many were run through the model (the rest reused a stored vector)
 * @param unchanged files already indexed with the same content; nothing was written for them
 * @param failures  files that could not be indexed, each with its reason; the rest of the batch went on
 * @param elapsed   wall-clock time of the call
 */
public record IndexReport(int indexed, int embedded, int unchanged, List<Failure> failures, Duration elapsed) {

    public IndexReport {
        failures = List.copyOf(failures);
    }

    /** Number of files that failed. */
    public int failed() {
        return failures.size();
    }

    /** Number of files looked at. */
    public int total() {
        return indexed + unchanged + failures.size();
    }

    /** A file that could not be indexed. */
    public record Failure(Path path, String reason) {
        @Override
        public String toString() {
            return path + ": " + reason;
        }
    }
}
