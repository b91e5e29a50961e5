package dev.imagesearch;

import dev.imagesearch.error.ImageSearchException;
import java.nio.file.Path;
import java.util.List;

/**
 * An {@code index} call stopped because the vector store or the id map failed (for example a server outage).
 * Nothing reported in {@link #completed()} is lost; the files of {@link #notStored()} were not (completely) stored,
 * and files after them were not looked at. Running {@code index} again once the backend is back completes the
 * work without duplicates; {@link ImageSearch#repair()} removes vectors whose location was never written.
 */
public class IndexAbortedException extends ImageSearchException {

    private final transient IndexReport completed;
    private final transient List<Path> notStored;

    public IndexAbortedException(IndexReport completed, List<Path> notStored, RuntimeException cause) {
        super("Indexing stopped after " + completed.indexed() + " indexed and " + completed.unchanged()
                + " unchanged files: " + cause.getMessage() + "; not stored: " + describe(notStored)
                + " (files after these were not attempted; run index again when the backend is back)", cause);
        this.completed = completed;
        this.notStored = List.copyOf(notStored);
    }

    private static String describe(List<Path> paths) {
        int shown = Math.min(paths.size(), 5);
        String list = paths.subList(0, shown).toString();
        return paths.size() > shown ? list + " and " + (paths.size() - shown) + " more" : list;
    }

    /** What was durably indexed (or found unchanged) before the failure. */
    public IndexReport completed() {
        return completed;
    }

    /** The files of the batch in flight when the backend failed. */
    public List<Path> notStored() {
        return notStored;
    }
}
