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
 * @param partialFailures with several models: files that were indexed, but that one model could not embed
 *                  (each with the model's name and the reason); the next {@code index} tries that model again
 */
public record IndexReport(int indexed, int embedded, int unchanged, List<Failure> failures, Duration elapsed,
                          List<Failure> partialFailures) {

    public IndexReport {
        failures = List.copyOf(failures);
        partialFailures = List.copyOf(partialFailures);
    }

    /** Number of files that failed. */
    public int failed() {
        return failures.size();
    }

    /** Number of files looked at. */
    public int total() {
        return indexed + unchanged + failures.size();
    }

    /**
     * A file that could not be indexed, or (with {@code model} set) that one model could not embed.
     *
     * @param path   the file
     * @param reason why, in words a user can act on
     * @param model  the model that failed, or null when the whole file failed
     */
    public record Failure(Path path, String reason, String model) {
        public Failure(Path path, String reason) {
            this(path, reason, null);
        }

        @Override
        public String toString() {
            return path + ": " + (model == null ? "" : model + ": ") + reason;
        }
    }
}
