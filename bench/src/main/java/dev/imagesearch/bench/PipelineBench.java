package dev.imagesearch.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.imagesearch.ImageSearch;
import dev.imagesearch.IndexReport;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.image.PngDecoder;
import dev.imagesearch.image.ScaledJpegDecoder;
import dev.imagesearch.onnx.ModelDescriptor;
import dev.imagesearch.onnx.OnnxEmbedder;
import dev.imagesearch.onnx.preprocess.Pipeline;
import dev.imagesearch.onnx.preprocess.Preprocessing;
import dev.imagesearch.opencv.OpenCvJpegDecoder;
import dev.imagesearch.opencv.OpenCvPngDecoder;
import dev.imagesearch.simdjpeg.SimdJpegDecoder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The whole-pipeline benchmark command (bench/run.sh runs it next to the Python peers). Each mode prints one JSON
 * line:
 *
 * <ul>
 * <li>{@code index}: {@link ImageSearch#indexDirectory} of a folder into a fresh embedded store (read + decode +
 *     preprocess + inference + store), images/s, peak heap and peak RSS
 * <li>{@code raw}: ONNX Runtime alone on pre-made tensors (the ceiling), with {@code --sessions} sessions in
 *     parallel of {@code --threads} intra-op threads each
 * <li>{@code decode}: decode + preprocess of one file, full resolution and reduced (median ms)
 * <li>{@code png}: decode + preprocess of every PNG of a folder, ImageIO vs OpenCV alternating (ms per PNG)
 * <li>{@code cosine}: cosine between embeddings of full and reduced-resolution decodes, per photo and step
 * <li>{@code search}: exact top-k over the vectors FAISS was given (files written by py_pipeline.py faiss), in
 *     {@code --precision float32} (default) or {@code float16}
 * </ul>
 */
public final class PipelineBench {

    private final BenchOptions options;

    private PipelineBench(String[] args) {
        this.options = BenchOptions.parse(args);
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: PipelineBench index|raw|decode|png|cosine|search --option value ...");
            System.exit(2);
        }
        PipelineBench b = new PipelineBench(args);
        switch (args[0]) {
            case "index" -> b.index();
            case "raw" -> b.raw();
            case "decode" -> b.decode();
            case "png" -> new PngBench(b.options).run();
            case "cosine" -> b.cosine();
            case "search" -> new ExactSearchBench(b.options).run();
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private String opt(String name, String def) {
        return options.opt(name, def);
    }

    private int intOpt(String name, int def) {
        return options.intOpt(name, def);
    }

    private OnnxEmbedder embedder() {
        Path dir = Path.of(opt("model", ""));
        ModelDescriptor d = ModelDescriptor.read(dir);
        OnnxEmbedder.Builder b = OnnxEmbedder.builder(d.modelFile()).name(d.name())
                .pipeline(d.pipeline()).batchSize(intOpt("batch", 8));
        d.output().ifPresent(b::outputName);
        if (intOpt("threads", 0) > 0) {
            b.intraOpThreads(intOpt("threads", 0));
        }
        b.spinning(Boolean.parseBoolean(opt("spin", "false")));
        return b.build();
    }

    /** {@code --decoder opencv} (default), {@code opencv-simd} or {@code imageio}: who decodes JPEGs. */
    private ScaledJpegDecoder jpegDecoder() {
        return switch (opt("decoder", "opencv")) {
            case "opencv" -> OpenCvJpegDecoder.load();
            case "opencv-simd" -> SimdJpegDecoder.load();
            case "imageio" -> null;
            default -> throw new IllegalArgumentException("--decoder opencv|opencv-simd|imageio, got "
                    + opt("decoder", ""));
        };
    }

    /** {@code --png-decoder opencv|imageio} (default: as {@code --decoder}): who decodes plain PNGs. */
    private PngDecoder pngDecoder() {
        return switch (opt("png-decoder", opt("decoder", "opencv"))) {
            case "opencv", "opencv-simd" -> OpenCvPngDecoder.load();
            case "imageio" -> null;
            default -> throw new IllegalArgumentException("--png-decoder opencv|imageio, got "
                    + opt("png-decoder", ""));
        };
    }

    /**
     * Indexes the folder {@code --passes} times (default 1), each into a fresh store, in one JVM with one model
     * session: pass 1 is what a fresh process sees (the JIT compiles the decoding and preprocessing code while it
     * runs), later passes are the steady state of a long-running process.
     */
    private void index() throws IOException {
        ScaledJpegDecoder jpeg = jpegDecoder();
        PngDecoder png = pngDecoder();
        int passes = intOpt("passes", 1);
        try (OnnxEmbedder embedder = embedder()) {
            for (int pass = 1; pass <= passes; pass++) {
                Path data = Files.createTempDirectory("imagesearch-bench");
                MemoryWatch watch = new MemoryWatch();
                // ImageSearch.close() would close the shared embedder: keep it open across passes
                try (ImageSearch search = ImageSearch.builder().embedder(new Unclosable(embedder)).dataDirectory(data)
                        .jpegDecoder(jpeg).pngDecoder(png).batchSize(intOpt("batch", 8)).decodeThreads(intOpt("decode-threads", 2))
                        .reducedDecoding(Boolean.parseBoolean(opt("reduced", "true"))).build()) {
                    watch.reset();
                    double cpu0 = processCpuSeconds();
                    long t0 = System.nanoTime();
                    IndexReport r = search.indexDirectory(Path.of(opt("images", "")));
                    double s = (System.nanoTime() - t0) / 1e9;
                    double cpu = processCpuSeconds() - cpu0;
                    System.gc(); // what stays: the stored vectors (embedded store) plus the open index's overhead
                    double retained = (ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()) / 1048576.0;
                    emit("java-index", "model", embedder.name(),
                            "folder", Path.of(opt("images", "")).getFileName().toString(),
                            "pass", pass, "images", r.indexed(), "failed", r.failures().size(), "seconds", s,
                            "images_per_s", r.indexed() / s, "cpu_seconds", cpu, "images_per_cpu_s", r.indexed() / cpu, "peak_heap_mb", watch.peakHeapMb(),
                            "peak_rss_mb", MemoryWatch.peakRssMb(),
                            "max_heap_mb", Runtime.getRuntime().maxMemory() / 1048576, "heap_after_gc_mb", retained, "batch", intOpt("batch", 8),
                            "threads", intOpt("threads", 0), "decode_threads", intOpt("decode-threads", 2),
                            "reduced", Boolean.parseBoolean(opt("reduced", "true")), "spin", opt("spin", "false"),
                            "decoder", opt("decoder", "opencv"),
                            "png_decoder", opt("png-decoder", opt("decoder", "opencv")));
                } finally {
                    deleteTree(data);
                }
            }
        }
    }

    /**
     * CPU time of the whole process (every Java and native thread: decoding, ONNX Runtime, JIT, GC). On a machine
     * shared with other work, images per CPU-second varies far less than images per second.
     */
    private static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }


    /** ONNX Runtime alone on a pre-made random batch: {@code sessions} sessions run in parallel. */
    private void raw() throws Exception {
        Path dir = Path.of(opt("model", ""));
        ModelDescriptor d = ModelDescriptor.read(dir);
        int batch = intOpt("batch", 8);
        int sessions = intOpt("sessions", 1);
        int threads = intOpt("threads", 0);
        int count = intOpt("count", 256);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<OrtSession> ss = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                if (threads > 0) {
                    o.setIntraOpNumThreads(threads);
                }
                if (!Boolean.parseBoolean(opt("spin", "false"))) {
                    o.addConfigEntry("session.intra_op.allow_spinning", "0");
                }
                ss.add(env.createSession(d.modelFile().toString(), o));
            }
        }
        String input = ss.get(0).getInputNames().iterator().next();
        String output = d.output().orElse(ss.get(0).getOutputNames().iterator().next());
        Pipeline pre = d.pipeline(); // the model's input size (224, 240, 260 ...)
        FloatBuffer buf = ByteBuffer.allocateDirect(batch * pre.elementsPerImage() * 4).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        Random rnd = new Random(1);
        while (buf.hasRemaining()) {
            buf.put((float) rnd.nextGaussian());
        }
        buf.flip();
        long[] shape = {batch, 3, pre.height(), pre.width()};
        try (OnnxTensor t = OnnxTensor.createTensor(env, buf, shape)) {
            for (OrtSession s : ss) {
                for (int i = 0; i < 2; i++) {
                    s.run(Map.of(input, t), Set.of(output)).close();
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(sessions);
            int perSession = (count / batch + sessions - 1) / sessions;
            long t0 = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (OrtSession s : ss) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < perSession; i++) {
                        s.run(Map.of(input, t), Set.of(output)).close();
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            pool.shutdown();
            int n = perSession * sessions * batch;
            emit("java-raw", "model", d.name(), "images", n, "seconds", secs, "images_per_s", n / secs, "sessions", sessions,
                    "threads", threads, "batch", batch, "spin", opt("spin", "false"));
        }
        for (OrtSession s : ss) {
            s.close();
        }
    }

    /** Decode + preprocess of one file into a tensor, full resolution vs reduced; median of --repeat. */
    private void decode() throws Exception {
        Path file = Path.of(opt("file", ""));
        byte[] bytes = Files.readAllBytes(file);
        Preprocessing pre = Preprocessing.preset("efficientnet-lite").withLayout(
                dev.imagesearch.onnx.preprocess.Layout.NCHW);
        FloatBuffer dst = FloatBuffer.allocate(pre.elementsPerImage());
        int repeat = intOpt("repeat", 9);
        int margin = intOpt("margin", ImageDecoder.DEFAULT_REDUCE_MARGIN);
        OpenCvJpegDecoder opencv = OpenCvJpegDecoder.load();
        for (String how : List.of("full", "reduced", "opencv-full", "opencv-reduced")) {
            ImageDecoder dec = ImageDecoder.builder().reducedDecodeMargin(how.endsWith("full") ? 0 : margin)
                    .scaledJpegDecoder(how.startsWith("opencv") ? opencv : null).build();
            double[] ms = new double[repeat];
            for (int i = -3; i < repeat; i++) { // 3 warm-up runs
                long t0 = System.nanoTime();
                BufferedImage img = dec.decode(bytes, 256);
                dst.clear();
                pre.apply(img, dst);
                if (i >= 0) {
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            Arrays.sort(ms);
            emit("java-decode-" + how, "file", file.toString(), "median_ms", ms[repeat / 2],
                    "min_ms", ms[0], "max_ms", ms[repeat - 1], "margin", how.endsWith("full") ? 0 : margin);
        }
    }

    /** Cosine of embeddings of full vs subsampled decodes, for every photo and every step that keeps ≥ 256 px. */
    private void cosine() throws Exception {
        try (OnnxEmbedder e = embedder(); Stream<Path> files = ImageSearch.listImages(Path.of(opt("images", "")))) {
            int need = e.minimumInputSide();
            OpenCvJpegDecoder opencv = OpenCvJpegDecoder.load();
            for (Path p : files.toList()) {
                byte[] bytes = Files.readAllBytes(p);
                int[] wh = ImageDecoder.dimensions(bytes);
                float[] full = e.embed(ImageDecoder.builder().reducedDecodeMargin(0).build().decode(bytes, need));
                int shorter = Math.min(wh[0], wh[1]);
                for (int step = 2; step <= 8 && shorter / step >= need; step++) {
                    // margin m gives this step exactly when shorter / (m * need) >= step: force it with m = 1
                    ImageDecoder forced = ImageDecoder.builder().reducedDecodeMargin(1).build();
                    BufferedImage img = decodeWithStep(forced, bytes, shorter / step, step, need);
                    if (img == null) {
                        continue;
                    }
                    float[] reduced = e.embed(img);
                    double cos = 0;
                    for (int i = 0; i < full.length; i++) {
                        cos += (double) full[i] * reduced[i];
                    }
                    emit("cosine", "file", p.getFileName().toString(), "width", wh[0], "height", wh[1],
                            "step", step, "ratio", (double) shorter / step / need, "cosine", cos);
                }
                // DCT-domain scaling (OpenCV): scale 1 has ImageIO's pixels, so compare 1/s with 1/1
                boolean jpeg = bytes.length > 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8;
                if (jpeg && shorter / 2 >= need) {
                    float[] one = e.embed(opencv.decode(bytes, 1));
                    for (int scale = 2; scale <= 8 && shorter / scale >= need; scale *= 2) {
                        float[] scaled = e.embed(opencv.decode(bytes, scale));
                        double cos = 0;
                        for (int i = 0; i < one.length; i++) {
                            cos += (double) one[i] * scaled[i];
                        }
                        emit("cosine-dct", "file", p.getFileName().toString(), "width", wh[0], "height", wh[1],
                                "scale", scale, "ratio", (double) shorter / scale / need, "cosine", cos);
                    }
                }
            }
        }
    }

    /** Decodes with exactly {@code step} by asking for the side that makes margin 1 choose it. */
    private static BufferedImage decodeWithStep(ImageDecoder margin1, byte[] bytes, int side, int step, int need)
            throws Exception {
        int[] wh = ImageDecoder.dimensions(bytes);
        int ask = Math.min(wh[0], wh[1]) / step; // min/ask >= step, min/ask < step + 1 for ask large enough
        if (margin1.subsampling(wh[0], wh[1], ask) != step) {
            return null; // this step cannot be forced for this size
        }
        return margin1.decode(bytes, ask);
    }

    /** Prints {@code {"what": what, key: value, ...}} from alternating keys and values. */
    static void emit(String what, Object... keyValues) {
        Map<String, Object> fields = new java.util.TreeMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            fields.put((String) keyValues[i], keyValues[i + 1]);
        }
        StringBuilder s = new StringBuilder("{\"what\": \"").append(what).append('"');
        fields.entrySet().forEach(e -> {
            s.append(", \"").append(e.getKey()).append("\": ");
            Object v = e.getValue();
            if (v instanceof Number num) {
                s.append(v instanceof Double || v instanceof Float
                        ? String.format(Locale.ROOT, "%.4f", num.doubleValue()) : v.toString());
            } else {
                s.append('"').append(v.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        });
        System.out.println(s.append('}'));
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
