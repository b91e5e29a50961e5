package dev.imagesearch;

import dev.imagesearch.error.ImageSearchException;

/**
 * An {@code index} call stopped because its {@link IndexListener#cancelled()} said so. Everything in
 * {@link #completed()} is durably indexed; files after it were not looked at.
 */
public class IndexCancelledException extends ImageSearchException {

    private static final long serialVersionUID = 1L;

    private final transient IndexReport completed;

    public IndexCancelledException(IndexReport completed) {
        super("Indexing cancelled after " + completed.total() + " files (" + completed.indexed() + " indexed, "
                + completed.unchanged() + " unchanged, " + completed.failed() + " failed); run index again to go on");
        this.completed = completed;
    }

    /** What was durably indexed (or found unchanged, or failed) before the call was cancelled. */
    public IndexReport completed() {
        return completed;
    }
}
