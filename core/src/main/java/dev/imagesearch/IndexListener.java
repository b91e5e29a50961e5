package dev.imagesearch;

import java.nio.file.Path;

/** Hears about each file as {@code index} finishes with it (for progress bars and logs). Called on the indexing thread. */
@FunctionalInterface
public interface IndexListener {

    /** What happened to one file. */
    enum Outcome { INDEXED, UNCHANGED, FAILED }

    /**
     * @param path    the file
     * @param outcome what happened
     * @param reason  why it failed, or null
     */
    void fileDone(Path path, Outcome outcome, String reason);

    /** A listener that ignores everything. */
    IndexListener NONE = (path, outcome, reason) -> { };
}
