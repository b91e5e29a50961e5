package dev.imagesearch;

import java.nio.file.Path;

/**
 * Hears about an {@code index} call's progress (for progress bars and logs) and can cancel it. Called on the
 * indexing thread.
 *
 * <pre>{@code
 * AtomicBoolean stop = new AtomicBoolean();          // set from a "Cancel" button, a signal handler, ...
 * search.indexDirectory(dir, new IndexListener() {
 *     int done, total;
 *     public void started(int files) { total = files; }
 *     public void fileDone(Path path, Outcome outcome, String reason) {
 *         System.out.printf("%d/%d %s %s%n", ++done, total, outcome, path);
 *     }
 *     public boolean cancelled() { return stop.get(); }
 * });
 * }</pre>
 */
@FunctionalInterface
public interface IndexListener {

    /** What happened to one file. */
    enum Outcome { INDEXED, UNCHANGED, FAILED }

    /** The total passed to {@link #started} when the number of files is not known in advance. */
    int UNKNOWN_TOTAL = -1;

    /**
     * Called once before the first file: how many files this call will look at ({@link #UNKNOWN_TOTAL} when the
     * paths are a lazy {@link Iterable} rather than a collection; {@code indexDirectory} always knows it).
     * Default: nothing.
     */
    default void started(int total) {
    }

    /**
     * @param path    the file
     * @param outcome what happened
     * @param reason  why it failed, or null
     */
    void fileDone(Path path, Outcome outcome, String reason);

    /**
     * Asked before each batch of files: {@code true} stops the call there. What was finished before stays indexed
     * and durable, and {@code index} throws an {@link IndexCancelledException} carrying that report; running it
     * again goes on where it stopped (finished files are then unchanged). Default: never.
     */
    default boolean cancelled() {
        return false;
    }

    /** A listener that ignores everything. */
    IndexListener NONE = (path, outcome, reason) -> { };
}
