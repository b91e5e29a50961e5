package dev.imagesearch.bench;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.onnx.preprocess.Preprocessing;
import dev.imagesearch.opencv.OpenCvPngDecoder;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** {@code PipelineBench png}: PNG decode + preprocess, ImageIO vs OpenCV. */
final class PngBench {

    private final BenchOptions options;

    PngBench(BenchOptions options) {
        this.options = options;
    }

    /**
     * Decode + preprocess of every PNG in {@code --images}, ImageIO and OpenCV alternating file by file in the same
     * JVM (after one warm-up round over all files), for {@code --rounds} rounds: ms per PNG for each.
     */
    void run() throws Exception {
        List<byte[]> files = new ArrayList<>();
        try (Stream<Path> s = ImageSearch.listImages(Path.of(options.opt("images", "")))) {
            for (Path p : s.filter(p -> p.toString().toLowerCase(Locale.ROOT).endsWith(".png")).toList()) {
                files.add(Files.readAllBytes(p));
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no PNG in " + options.opt("images", ""));
        }
        Preprocessing pre = Preprocessing.preset("efficientnet-lite").withLayout(
                dev.imagesearch.onnx.preprocess.Layout.NCHW);
        FloatBuffer dst = FloatBuffer.allocate(pre.elementsPerImage());
        ImageDecoder[] decoders = {ImageDecoder.builder().build(),
            ImageDecoder.builder().pngDecoder(OpenCvPngDecoder.load()).build()};
        int rounds = options.intOpt("rounds", 5);
        for (int round = 0; round <= rounds; round++) {
            long[] nanos = new long[2];
            for (byte[] f : files) {
                for (int d = 0; d < 2; d++) {
                    long t0 = System.nanoTime();
                    BufferedImage img = decoders[d].decode(f, 256);
                    dst.clear();
                    pre.apply(img, dst);
                    nanos[d] += System.nanoTime() - t0;
                }
            }
            if (round > 0) { // round 0 warms up the JIT
                PipelineBench.emit("java-png", "round_in_run", round, "pngs", files.size(),
                        "imageio_ms", nanos[0] / 1e6 / files.size(),
                        "opencv_ms", nanos[1] / 1e6 / files.size(), "ratio", (double) nanos[1] / nanos[0]);
            }
        }
    }
}
