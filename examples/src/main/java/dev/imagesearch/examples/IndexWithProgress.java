package dev.imagesearch.examples;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.IndexCancelledException;
import dev.imagesearch.IndexListener;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Indexes a folder with a progress line per file ("3/120 INDEXED photos/cat.jpg") and stops cleanly after
 * {@code MAX} files: the README's progress and cancellation example. Usage: {@code IndexWithProgress FOLDER MAX}.
 */
public final class IndexWithProgress {

    private IndexWithProgress() {
    }

    public static void main(String[] args) {
        Path folder = Path.of(args[0]);
        int max = Integer.parseInt(args[1]);
        try (ImageSearch search = ImageSearch.builder().dataDirectory(Path.of("my-index")).build()) {
            // README-BEGIN
            AtomicBoolean stop = new AtomicBoolean();             // e.g. set by a Cancel button
            IndexListener progress = new IndexListener() {
                int done;
                int total;

                @Override
                public void started(int files) {
                    total = files;                                // known up front for indexDirectory
                }

                @Override
                public void fileDone(Path path, Outcome outcome, String reason) {
                    System.out.printf("%d/%d %s %s%n", ++done, total, outcome, path);
                    if (done == max) {
                        stop.set(true);
                    }
                }

                @Override
                public boolean cancelled() {                      // asked before each batch
                    return stop.get();
                }
            };
            try {
                search.indexDirectory(folder, progress);
            } catch (IndexCancelledException e) {                 // what was done stays indexed
                System.out.println(e.getMessage());
            }
            // README-END
        }
    }
}
