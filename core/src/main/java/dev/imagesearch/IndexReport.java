package dev.imagesearch;

import dev.imagesearch.files.ImageFiles;
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
 * @param skipped   with {@link ImageSearch#indexDirectory}: every entry under the directory that is not an image
 *                  file to index (a file with another extension, a dangling link, a link loop, a FIFO or device,
 *                  a directory named like an image...), each with the reason; nothing was opened for them
 */
public record IndexReport(int indexed, int embedded, int unchanged, List<Failure> failures, Duration elapsed,
                          List<Failure> partialFailures, List<ImageFiles.Skipped> skipped) {

    public IndexReport {
        failures = List.copyOf(failures);
        partialFailures = List.copyOf(partialFailures);
        skipped = List.copyOf(skipped);
    }

    /** A report with nothing skipped (indexing a list of files). */
    public IndexReport(int indexed, int embedded, int unchanged, List<Failure> failures, Duration elapsed,
                       List<Failure> partialFailures) {
        this(indexed, embedded, unchanged, failures, elapsed, partialFailures, List.of());
    }

    /** This report with the entries a directory scan skipped. */
    public IndexReport withSkipped(List<ImageFiles.Skipped> entries) {
        return new IndexReport(indexed, embedded, unchanged, failures, elapsed, partialFailures, entries);
    }

    /** Number of files that failed. */
    public int failed() {
        return failures.size();
    }

    /** Number of files looked at (indexed, unchanged or failed; skipped entries are not files looked at). */
    public int total() {
        return indexed + unchanged + failures.size();
    }

    /** Every entry accounted for: {@code indexed + unchanged + failed + skipped}. */
    public int entriesSeen() {
        return total() + skipped.size();
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
