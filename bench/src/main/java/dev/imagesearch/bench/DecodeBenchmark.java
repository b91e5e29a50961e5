package dev.imagesearch.bench;

import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.onnx.preprocess.Layout;
import dev.imagesearch.onnx.preprocess.Preprocessing;
import dev.imagesearch.opencv.OpenCvJpegDecoder;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decode + preprocess ({@code efficientnet-lite} preset) of one file into a tensor, at full resolution and with
 * reduced-resolution decoding (margin 2 and 4), by ImageIO or by OpenCV (DCT-domain scaling; its margin is
 * {@link ImageDecoder#DEFAULT_DCT_MARGIN} whenever reduced decoding is on, so margins 2 and 4 measure the same). The file: {@code -p file=...}, default the first 12 MP JPEG of
 * {@code $IMAGESEARCH_CACHE/bench-data} (bench/prepare_data.py).
 *
 * <pre>java -jar bench/target/benchmarks.jar DecodeBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecodeBenchmark {

    @Param({""})
    String file;

    @Param({"0", "2", "4"})
    int margin;

    @Param({"imageio", "opencv"})
    String decoderKind;

    private byte[] bytes;
    private ImageDecoder decoder;
    private final Preprocessing pre = Preprocessing.preset("efficientnet-lite").withLayout(Layout.NCHW);
    private final FloatBuffer dst = FloatBuffer.allocate(3 * 224 * 224);

    @Setup
    public void setUp() throws IOException {
        Path p = file.isEmpty() ? cache().resolve("bench-data/photos/zz-12mp-0.jpg") : Path.of(file);
        bytes = Files.readAllBytes(p);
        decoder = ImageDecoder.builder().reducedDecodeMargin(margin)
                .scaledJpegDecoder(decoderKind.equals("opencv") ? OpenCvJpegDecoder.load() : null).build();
    }

    private static Path cache() {
        String c = System.getenv("IMAGESEARCH_CACHE");
        return c != null && !c.isBlank() ? Path.of(c) : Path.of(System.getProperty("user.home"), ".cache/imagesearch");
    }

    @Benchmark
    public FloatBuffer decodeAndPreprocess() throws Exception {
        dst.clear();
        pre.apply(decoder.decode(bytes, pre.resizeShorter()), dst);
        return dst;
    }
}
