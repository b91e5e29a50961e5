package dev.imagesearch.examples;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.IndexReport;
import dev.imagesearch.Match;
import dev.imagesearch.onnx.ModelCatalog;
import dev.imagesearch.opencv.OpenCvJpegDecoder;
import dev.imagesearch.opencv.OpenCvPngDecoder;
import java.nio.file.Path;
import java.util.List;

/**
 * The library in a dozen lines: index a folder with the default model, then print the images most similar to a
 * query. Run with {@code java -cp cli/target/imagesearch.jar:examples/target/classes
 * dev.imagesearch.examples.FindSimilar FOLDER QUERY}; the index is kept in {@code ./imagesearch-data}, so a second run only embeds new files.
 */
public final class FindSimilar {

    private FindSimilar() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: FindSimilar FOLDER QUERY_IMAGE");
            System.exit(2);
        }
        try (ImageSearch search = ImageSearch.builder()
                .embedder(ModelCatalog.atDefaultDirectory().load(ModelCatalog.DEFAULT_MODEL))
                .dataDirectory(Path.of("imagesearch-data"))
                .jpegDecoder(OpenCvJpegDecoder.load()) // optional (opencv-decoder module): faster JPEG decoding
                .pngDecoder(OpenCvPngDecoder.load())   // and PNG decoding
                .build()) {
            IndexReport report = search.indexDirectory(Path.of(args[0]));
            System.out.printf("indexed %d, unchanged %d, failed %d%n", report.indexed(), report.unchanged(),
                    report.failed());
            List<Match> matches = search.similar(Path.of(args[1]), 5);
            for (Match m : matches) {
                System.out.printf("%d. %.4f %s%n", m.rank(), m.score(), m.location());
            }
        }
    }
}
