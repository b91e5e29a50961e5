package dev.imagesearch.bench;

import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.onnx.preprocess.Layout;
import dev.imagesearch.onnx.preprocess.Pipeline;
import dev.imagesearch.onnx.preprocess.Preprocessing;
import dev.imagesearch.opencv.OpenCvJpegDecoder;
import dev.imagesearch.opencv.OpenCvPngDecoder;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The CPU cost of each step that indexing puts around inference, one thread, every file of a folder in turn:
 * reading the file, its SHA-256, decoding it as {@code index} does (OpenCV for JPEG and PNG, reduced resolution for
 * the preset's shorter side) and preprocessing it into a tensor (the preset's pipeline, into a direct buffer as
 * {@code OnnxEmbedder} fills). Prints one JSON line per round with the mean milliseconds per file of each step,
 * then the medians of the rounds after the first third. Runs on any build that has these APIs, so two builds'
 * jars can be compared by running it with each (docs/BENCHMARKS.md, "Steps around inference").
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.imagesearch.bench.StageBench
 *     FOLDER [PRESET (efficientnet-lite)] [ROUNDS (9)] [MIN_SIDE (256)]</pre>
 */
public final class StageBench {

    private StageBench() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        String preset = args.length > 1 ? args[1] : "efficientnet-lite";
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 9;
        int minSide = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        ImageDecoder decoder = ImageDecoder.builder().scaledJpegDecoder(OpenCvJpegDecoder.load())
                .pngDecoder(OpenCvPngDecoder.load()).build();
        Pipeline pipeline = Preprocessing.preset(preset).withLayout(Layout.NCHW).toPipeline();
        FloatBuffer tensor = ByteBuffer.allocateDirect(4 * pipeline.elementsPerImage()).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        String[] steps = {"read", "sha256", "decode", "preprocess", "total"};
        List<double[]> perRound = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            long[] ns = new long[4];
            int n = 0;
            for (Path p : files) {
                long t0 = System.nanoTime();
                byte[] bytes = Files.readAllBytes(p);
                long t1 = System.nanoTime();
                MessageDigest.getInstance("SHA-256").digest(bytes);
                long t2 = System.nanoTime();
                BufferedImage image;
                try {
                    image = decoder.decode(bytes, minSide);
                } catch (Exception unreadable) {
                    continue; // the bench photos all decode; anything else is not part of the measurement
                }
                long t3 = System.nanoTime();
                tensor.clear();
                pipeline.apply(image, tensor);
                long t4 = System.nanoTime();
                ns[0] += t1 - t0;
                ns[1] += t2 - t1;
                ns[2] += t3 - t2;
                ns[3] += t4 - t3;
                n++;
            }
            double[] ms = new double[5];
            for (int i = 0; i < 4; i++) {
                ms[i] = ns[i] / 1e6 / n;
                ms[4] += ms[i];
            }
            perRound.add(ms);
            PipelineBench.emit("java-stages", "round", r + 1, "files", n, steps[0], ms[0], steps[1], ms[1],
                    steps[2], ms[2], steps[3], ms[3], steps[4], ms[4]);
        }
        List<double[]> counted = perRound.subList(rounds / 3, rounds);
        Object[] kv = new Object[2 * steps.length + 2];
        kv[0] = "rounds";
        kv[1] = counted.size();
        for (int i = 0; i < steps.length; i++) {
            int step = i;
            double[] v = counted.stream().mapToDouble(ms -> ms[step]).sorted().toArray();
            kv[2 + 2 * i] = steps[i];
            kv[3 + 2 * i] = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }
        PipelineBench.emit("java-stages-median", Arrays.copyOf(kv, kv.length));
    }
}
