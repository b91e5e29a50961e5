package dev.imagesearch;

import dev.imagesearch.testing.PixelEmbedder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Child-JVM program for {@link ImageSearchCrashTest}: indexes every image under a directory, {@code perCall} files
 * per {@code index} call, and after each call returns prints {@code DONE <location>} for every file it reported
 * as indexed or unchanged, then {@code BATCH <indexed>}. The test kills it with SIGKILL somewhere in between.
 *
 * <p>Usage: {@code CrashIndexer <dataDir> <imageDir> <perCall>}
 */
public final class CrashIndexer {

    private CrashIndexer() {
    }

    /** The embedder both the child and the test use: slow enough to be killed midway. */
    static PixelEmbedder embedder() {
        return PixelEmbedder.builder().batchSize(4).delayMillisPerImage(3).build();
    }

    public static void main(String[] args) {
        Path data = Path.of(args[0]);
        Path images = Path.of(args[1]);
        int perCall = Integer.parseInt(args[2]);
        List<Path> files;
        try (Stream<Path> s = ImageSearch.listImages(images)) {
            files = s.toList();
        }
        try (ImageSearch search = ImageSearch.builder().embedder(embedder()).dataDirectory(data)
                .decodeThreads(2).build()) {
            for (int from = 0; from < files.size(); from += perCall) {
                List<Path> chunk = files.subList(from, Math.min(files.size(), from + perCall));
                List<Path> done = new ArrayList<>();
                IndexReport r = search.index(chunk, (p, outcome, why) -> {
                    if (outcome != IndexListener.Outcome.FAILED) {
                        done.add(p);
                    }
                });
                StringBuilder out = new StringBuilder();
                for (Path p : done) {
                    out.append("DONE ").append(ImageSearch.locationOf(p)).append('\n');
                }
                out.append("BATCH ").append(r.indexed()).append('\n');
                System.out.print(out);
                System.out.flush();
            }
        }
        System.out.println("ALL-DONE");
        System.out.flush();
    }
}
