package dev.imagesearch.bench;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.search.Match;
import dev.imagesearch.onnx.ModelCatalog;
import dev.imagesearch.opencv.OpenCvJpegDecoder;
import dev.imagesearch.opencv.OpenCvPngDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The in-process baseline of bench/server-load.sh: {@code ImageSearch.similar(bytes, k)} on one photo, opened as
 * {@code imagesearch serve} opens the index (same model, OpenCV decoders, reduced decoding), one call at a time.
 * Prints one line: {@code RESULT similar n=.. p50_ms=.. p95_ms=.. mean_ms=..}.
 *
 * <p>Usage: {@code SimilarLatency DATA_DIR MODEL_DIR MODEL PHOTO K SECONDS}
 */
public final class SimilarLatency {

    private SimilarLatency() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path models = Path.of(args[1]);
        String model = args[2];
        byte[] photo = Files.readAllBytes(Path.of(args[3]));
        int k = Integer.parseInt(args[4]);
        double seconds = Double.parseDouble(args[5]);
        try (ImageSearch search = ImageSearch.builder().embedder(ModelCatalog.at(models).load(model))
                .dataDirectory(data).jpegDecoder(OpenCvJpegDecoder.load()).pngDecoder(OpenCvPngDecoder.load())
                .existingCollectionsOnly(true).decodeThreads(1).build()) {
            long warmEnd = System.nanoTime() + 10_000_000_000L; // as the server, which has served before
            while (System.nanoTime() < warmEnd) {
                search.similar(photo, k);
            }
            double[] ms = new double[100_000];
            int n = 0;
            long end = System.nanoTime() + (long) (seconds * 1e9);
            List<Match> last = null;
            while (System.nanoTime() < end && n < ms.length) {
                long t = System.nanoTime();
                last = search.similar(photo, k);
                ms[n++] = (System.nanoTime() - t) / 1e6;
            }
            double[] sorted = Arrays.copyOf(ms, n);
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "RESULT similar n=%d p50_ms=%.2f p95_ms=%.2f mean_ms=%.2f top=%s%n", n,
                    sorted[n / 2], sorted[(int) Math.min(n - 1, Math.round(n * 0.95))],
                    Arrays.stream(sorted).average().orElse(0), last == null || last.isEmpty() ? "-"
                            : Path.of(last.get(0).location()).getFileName());
        }
    }
}
