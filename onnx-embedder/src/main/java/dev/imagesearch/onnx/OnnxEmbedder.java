package dev.imagesearch.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.imagesearch.embed.Embedder;
import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.onnx.preprocess.Layout;
import dev.imagesearch.onnx.preprocess.Preprocessing;
import dev.imagesearch.onnx.preprocess.ResizeMode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An {@link Embedder} that runs an ONNX image model with ONNX Runtime.
 *
 * <p>The model's single image input is read at build time: a float tensor of rank 4 whose channel axis (3
 * channels) is dimension 1 (NCHW) or the last one (NHWC). A dynamic batch dimension gets real batches of up to
 * {@link Builder#batchSize}; a fixed batch of 1 makes the embedder run images one by one. Dynamic height and
 * width take the preprocessing's size; a fixed size different from it is an error. The embedding is read from
 * one output (by name, default the first), a 4-D output is pooled (see {@link Pooling#AUTO}) and the vector is
 * L2-normalised unless {@link Builder#normalize(boolean) normalize(false)}.
 *
 * <p><b>Thread-safety:</b> an instance is thread-safe. {@link #embed}, {@link #embedBatch} and {@link #run} may
 * be called concurrently from any number of threads: ONNX Runtime sessions allow concurrent {@code run} calls,
 * and input buffers come from a concurrent pool, never shared between two calls in flight. {@link #close()} waits
 * for calls in flight to finish; calls after it fail with {@link IllegalStateException}.
 */
public final class OnnxEmbedder implements Embedder {

    private final String name;
    private final String fingerprint;
    private final String sha256;
    private final Preprocessing preprocessing;
    private final ModelInfo info;
    private final int channelAxis; // of a 4-D embedding output: 1 or 3; 0 for a 2-D output
    private final Pooling pooling; // resolved: AVG, MAX or NONE
    private final boolean normalize;
    private final boolean flipAverage;
    private final int batchSize;
    private final Optional<ModelDescriptor> descriptor;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final ConcurrentLinkedQueue<FloatBuffer> buffers = new ConcurrentLinkedQueue<>();
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lifecycle

    private OnnxEmbedder(Builder b) {
        Path file = b.modelFile;
        if (!Files.isRegularFile(file)) {
            throw new EmbeddingException("Model file not found: " + file);
        }
        if (b.preprocessing == null) {
            throw new EmbeddingException("No preprocessing given for model " + file
                    + "; call preprocessing(Preprocessing.preset(...)), presets: "
                    + String.join(", ", Preprocessing.presetNames()));
        }
        this.sha256 = sha256(file);
        if (b.expectedSha256 != null && !b.expectedSha256.equalsIgnoreCase(sha256)) {
            throw new EmbeddingException("Model file " + file + " has SHA-256 " + sha256 + " but its "
                    + ModelDescriptor.FILE_NAME + " expects " + b.expectedSha256
                    + "; the file is damaged or was replaced (provision the model again)");
        }
        this.name = b.name != null ? b.name : defaultName(file);
        this.normalize = b.normalize;
        this.flipAverage = b.flipAverage;
        this.descriptor = Optional.ofNullable(b.descriptor);
        this.env = OrtEnvironment.getEnvironment();
        OrtSession s;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (b.intraOpThreads > 0) {
                options.setIntraOpNumThreads(b.intraOpThreads);
            }
            if (!b.spinning) {
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
            }
            s = createSessionOnLargeStack(env, file, options);
        } catch (OrtException e) {
            throw new EmbeddingException("ONNX Runtime cannot load model " + file + ": " + e.getMessage(), e);
        }
        this.session = s;
        try {
            InputSpec input = readInput(file, b.preprocessing);
            this.preprocessing = input.preprocessing;
            this.batchSize = input.fixedBatch > 0 ? input.fixedBatch : b.batchSize;
            Map<String, List<Long>> outputs = outputs(file);
            String out = b.outputName != null ? b.outputName : outputs.keySet().iterator().next();
            if (!outputs.containsKey(out)) {
                throw new EmbeddingException("Model " + file + " has no output '" + out + "'; its outputs are "
                        + describe(outputs));
            }
            // Probe with one blank image: the real output shape decides rank, channel axis and dimension.
            long[] shape = probeShape(input, out);
            Layout layout = input.preprocessing.layout();
            int axis = 0;
            int dim;
            if (shape.length == 2) {
                dim = (int) shape[1];
            } else if (shape.length == 4) {
                if (b.pooling == Pooling.NONE) {
                    throw new EmbeddingException("Output '" + out + "' of " + file + " is 4-D "
                            + Arrays.toString(shape) + " but pooling is NONE; use AUTO, AVG or MAX");
                }
                axis = channelAxis(shape, b.expectedDimension, layout);
                dim = (int) shape[axis];
            } else {
                throw new EmbeddingException("Output '" + out + "' of " + file + " has shape "
                        + Arrays.toString(shape) + "; an embedding output must be 2-D (batch, dimension) or 4-D "
                        + "(a feature map to pool)");
            }
            if (b.expectedDimension > 0 && b.expectedDimension != dim) {
                throw new EmbeddingException("Output '" + out + "' of " + file + " gives " + dim
                        + " values per image but " + ModelDescriptor.FILE_NAME + " says dimension="
                        + b.expectedDimension);
            }
            this.channelAxis = axis;
            this.pooling = axis == 0 ? Pooling.NONE : (b.pooling == Pooling.MAX ? Pooling.MAX : Pooling.AVG);
            this.info = new ModelInfo(input.name, boxed(input.declaredShape), layout, preprocessing.width(),
                    preprocessing.height(), input.fixedBatch, outputs, out, dim);
            this.fingerprint = name + "@sha256:" + sha256 + ";output=" + out + ";pooling="
                    + pooling.name().toLowerCase(java.util.Locale.ROOT) + ";l2=" + normalize + ";"
                    + preprocessing.id() + (flipAverage ? ";flip=avg" : "");
        } catch (RuntimeException e) {
            closeQuietly(session, e);
            throw e;
        }
    }

    /**
     * A builder for the model at {@code modelFile}. Defaults: name = file name without {@code .onnx};
     * preprocessing required; output = the model's first; pooling {@link Pooling#AUTO}; L2 normalisation on;
     * ONNX Runtime's default intra-op thread count, not spinning; batch size 8.
     */
    public static Builder builder(Path modelFile) {
        return new Builder(modelFile);
    }

    /**
     * Loads a provisioned model directory: {@code model.properties} (see {@link ModelDescriptor}) and the model
     * file it names. The file's SHA-256 and the output's dimension are checked against the descriptor.
     *
     * @throws EmbeddingException if the descriptor or the model is missing or does not match
     */
    public static OnnxEmbedder fromDirectory(Path modelDir) {
        return fromDirectory(modelDir, 0);
    }

    /**
     * As {@link #fromDirectory(Path)} with {@code intraOpThreads} ONNX Runtime threads per run (0: ONNX Runtime's
     * choice). A Spark executor runs several tasks on one shared session, so it sets this to avoid oversubscription.
     */
    public static OnnxEmbedder fromDirectory(Path modelDir, int intraOpThreads) {
        ModelDescriptor d = ModelDescriptor.read(modelDir);
        Preprocessing pre;
        try {
            pre = Preprocessing.preset(d.preset());
        } catch (IllegalArgumentException e) {
            throw new EmbeddingException(modelDir.resolve(ModelDescriptor.FILE_NAME) + ": " + e.getMessage(), e);
        }
        Builder b = builder(d.modelFile()).name(d.name()).preprocessing(pre).pooling(d.pooling());
        d.output().ifPresent(b::outputName);
        b.descriptor = d;
        b.expectedSha256 = d.sha256().orElse(null);
        b.expectedDimension = d.dimension();
        b.flipAverage(Boolean.parseBoolean(d.properties().getOrDefault(FLIP_AVERAGE_KEY, "false")));
        if (intraOpThreads > 0) {
            b.intraOpThreads(intraOpThreads);
        }
        return b.build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int dimension() {
        return info.dimension();
    }

    /**
     * {@code <name>@sha256:<model file hash>;output=<output>;pooling=<avg|max|none>;l2=<bool>;<preprocessing id>}:
     * everything that decides the vectors.
     */
    @Override
    public String fingerprint() {
        return fingerprint;
    }

    /** SHA-256 (lower-case hex) of the model file. */
    public String modelSha256() {
        return sha256;
    }

    /** The preprocessing, with its layout resolved from the model. */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** Input name, shape, layout and outputs read from the model. */
    public ModelInfo info() {
        return info;
    }

    /** Every key of the descriptor's {@code model.properties} (none without a descriptor). */
    @Override
    public Map<String, String> properties() {
        return descriptor.map(ModelDescriptor::properties).orElse(Map.of());
    }

    /** The descriptor this embedder was loaded from ({@link #fromDirectory} or a {@link ModelCatalog}). */
    public Optional<ModelDescriptor> descriptor() {
        return descriptor;
    }

    /** The descriptor's {@code duplicates.threshold}, if any. */
    @Override
    public java.util.OptionalDouble duplicateThreshold() {
        return descriptor.map(ModelDescriptor::duplicateThreshold).orElse(java.util.OptionalDouble.empty());
    }

    @Override
    public float[] embed(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        return embedBatch(List.of(image)).get(0);
    }

    /** The {@code model.properties} key that turns on {@link Builder#flipAverage(boolean)}. */
    public static final String FLIP_AVERAGE_KEY = "flip.average";

    @Override
    public List<float[]> embedBatch(List<BufferedImage> images) {
        if (!flipAverage) {
            return embedOnce(images);
        }
        List<float[]> plain = embedOnce(images);
        List<float[]> mirrored = embedOnce(images.stream().map(OnnxEmbedder::mirror).toList());
        List<float[]> result = new ArrayList<>(plain.size());
        for (int i = 0; i < plain.size(); i++) {
            float[] v = plain.get(i);
            float[] m = mirrored.get(i);
            for (int j = 0; j < v.length; j++) {
                v[j] += m[j];
            }
            if (normalize) {
                l2Normalize(v);
            }
            result.add(v);
        }
        return result;
    }

    /** The image mirrored left to right, as RGB. */
    static BufferedImage mirror(BufferedImage src) {
        int w = src.getWidth();
        BufferedImage out = new BufferedImage(w, src.getHeight(), BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = out.createGraphics();
        g.drawImage(src, w, 0, -w, src.getHeight(), null);
        g.dispose();
        return out;
    }

    private List<float[]> embedOnce(List<BufferedImage> images) {
        List<float[]> result = new ArrayList<>(images.size());
        for (int from = 0; from < images.size(); from += batchSize) {
            List<BufferedImage> chunk = images.subList(from, Math.min(images.size(), from + batchSize));
            for (float[][] row : runBatch(chunk, info.outputName())) {
                float[] v = reduce(row, pooling);
                if (normalize) {
                    l2Normalize(v);
                }
                result.add(v);
            }
        }
        return result;
    }

    /**
     * Runs one image and returns another output's values for it, neither pooled nor normalised when it is 2-D
     * (e.g. the {@code logits} of a classifier, for top-1 checks). A 4-D output is pooled like the embedding
     * (average unless this embedder's pooling is MAX); any other rank is returned flattened.
     *
     * @throws EmbeddingException listing the outputs if {@code outputName} is not one of them
     */
    public float[] run(BufferedImage image, String outputName) {
        Objects.requireNonNull(image, "image");
        if (!info.outputs().containsKey(outputName)) {
            throw new EmbeddingException("Model " + name + " has no output '" + outputName + "'; its outputs are "
                    + describe(info.outputs()));
        }
        float[][] row = runBatch(List.of(image), outputName).get(0);
        return reduce(row, pooling == Pooling.MAX ? Pooling.MAX : Pooling.AVG);
    }

    /** Yes: concurrent calls share the session (ONNX Runtime's run is thread-safe) and use their own buffers. */
    @Override
    public boolean threadSafe() {
        return true;
    }

    @Override
    public int preferredBatchSize() {
        return batchSize;
    }

    /**
     * The side below which decoding at reduced resolution would change the result: the stretch target's larger
     * side, or the shorter-side size before a centre crop.
     */
    @Override
    public int minimumInputSide() {
        return preprocessing.resizeMode() == ResizeMode.STRETCH
                ? Math.max(preprocessing.width(), preprocessing.height())
                : preprocessing.resizeShorter();
    }

    /** Releases the ONNX Runtime session after calls in flight finish. Idempotent. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            buffers.clear();
            session.close();
        } catch (OrtException e) {
            throw new EmbeddingException("Failed to close the ONNX Runtime session of " + name, e);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "OnnxEmbedder[" + name + ", " + info.dimension() + "-d, " + info.layout() + " "
                + info.width() + "x" + info.height() + ", output " + info.outputName() + "]";
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Runs up to one batch; returns per image the output as {@code [1][n]} (2-D) or {@code [spatial][channels]}. */
    private List<float[][]> runBatch(List<BufferedImage> images, String output) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("OnnxEmbedder " + name + " is closed");
            }
            int n = images.size();
            int feed = info.fixedBatch() > 0 ? info.fixedBatch() : n; // a fixed batch is padded with zeros
            if (info.fixedBatch() > 0 && n > feed) {
                throw new IllegalStateException("batch of " + n + " above the model's fixed batch " + feed);
            }
            int per = preprocessing.elementsPerImage();
            FloatBuffer buf = takeBuffer();
            try {
                buf.clear();
                for (BufferedImage image : images) {
                    preprocessing.apply(image, buf);
                }
                while (buf.position() < feed * per) {
                    buf.put(0f);
                }
                buf.flip();
                return infer(buf, feed, n, output);
            } finally {
                buffers.offer(buf);
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private List<float[][]> infer(FloatBuffer buf, int feed, int n, String output) {
        long[] shape = tensorShape(feed);
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, buf, shape);
             OrtSession.Result result = session.run(Map.of(info.inputName(), tensor), Set.of(output))) {
            OnnxValue value = result.get(output).orElseThrow(
                    () -> new EmbeddingException("ONNX Runtime returned no '" + output + "' output"));
            if (!(value instanceof OnnxTensor t) || t.getInfo().type != OnnxJavaType.FLOAT) {
                throw new EmbeddingException("Output '" + output + "' of " + name + " is not a float tensor: "
                        + value.getInfo());
            }
            long[] outShape = t.getInfo().getShape();
            FloatBuffer data = t.getFloatBuffer();
            return split(data, outShape, n, output);
        } catch (OrtException e) {
            throw new EmbeddingException("ONNX Runtime failed to run model " + name + ": " + e.getMessage(), e);
        }
    }

    /** Splits a batch output into per-image {@code [positions][channels]} arrays (channels contiguous). */
    private List<float[][]> split(FloatBuffer data, long[] shape, int n, String output) {
        if (shape.length == 0 || shape[0] < n) {
            throw new EmbeddingException("Output '" + output + "' of " + name + " has shape "
                    + Arrays.toString(shape) + ", not one row per image of a batch of " + n);
        }
        int per = (int) (data.remaining() / shape[0]);
        List<float[][]> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] flat = new float[per];
            data.get(i * per, flat);
            if (shape.length != 4) {
                rows.add(new float[][] {flat});
                continue;
            }
            int axis = output.equals(info.outputName()) ? channelAxis : (info.layout() == Layout.NHWC ? 3 : 1);
            int channels = (int) shape[axis];
            int positions = per / channels;
            float[][] grid = new float[positions][channels];
            for (int c = 0; c < channels; c++) {
                for (int p = 0; p < positions; p++) {
                    grid[p][c] = axis == 3 ? flat[p * channels + c] : flat[c * positions + p];
                }
            }
            rows.add(grid);
        }
        return rows;
    }

    /** One vector from {@code [positions][channels]}: the row itself when there is one position. */
    private static float[] reduce(float[][] grid, Pooling how) {
        if (grid.length == 1) {
            return grid[0];
        }
        int channels = grid[0].length;
        float[] v = new float[channels];
        for (int c = 0; c < channels; c++) {
            if (how == Pooling.MAX) {
                float m = Float.NEGATIVE_INFINITY;
                for (float[] position : grid) {
                    m = Math.max(m, position[c]);
                }
                v[c] = m;
            } else {
                double s = 0;
                for (float[] position : grid) {
                    s += position[c];
                }
                v[c] = (float) (s / grid.length);
            }
        }
        return v;
    }

    static void l2Normalize(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        if (s > 0) {
            float inv = (float) (1.0 / Math.sqrt(s));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
    }

    private FloatBuffer takeBuffer() {
        FloatBuffer b = buffers.poll();
        if (b != null) {
            return b;
        }
        int floats = batchSize * preprocessing.elementsPerImage();
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private long[] tensorShape(int batch) {
        return info.layout() == Layout.NCHW
                ? new long[] {batch, 3, info.height(), info.width()}
                : new long[] {batch, info.height(), info.width(), 3};
    }

    /** What {@link #readInput} found: resolved preprocessing, name, shape and fixed batch (0 = dynamic). */
    private record InputSpec(String name, long[] declaredShape, Preprocessing preprocessing, int fixedBatch) {
    }

    private InputSpec readInput(Path file, Preprocessing pre) {
        Map<String, NodeInfo> inputs;
        try {
            inputs = session.getInputInfo();
        } catch (OrtException e) {
            throw new EmbeddingException("Cannot read the inputs of " + file + ": " + e.getMessage(), e);
        }
        if (inputs.size() != 1) {
            throw new EmbeddingException("Model " + file + " has " + inputs.size() + " inputs " + inputs.keySet()
                    + "; an image model must have exactly one image input");
        }
        NodeInfo node = inputs.values().iterator().next();
        String inName = node.getName();
        ValueInfo vi = node.getInfo();
        if (!(vi instanceof TensorInfo ti)) {
            throw new EmbeddingException("Input '" + inName + "' of " + file + " is not a tensor (" + vi
                    + "); expected a float image tensor [N,3,H,W] or [N,H,W,3]");
        }
        long[] shape = ti.getShape();
        String what = "Input '" + inName + "' of " + file + " has type " + ti.type + " and shape "
                + Arrays.toString(shape) + "; expected a float image tensor [N,3,H,W] (NCHW) or [N,H,W,3] (NHWC)";
        if (ti.type != OnnxJavaType.FLOAT || shape.length != 4) {
            throw new EmbeddingException(what);
        }
        Layout layout;
        if (shape[1] == 3 && shape[3] != 3) {
            layout = Layout.NCHW;
        } else if (shape[3] == 3 && shape[1] != 3) {
            layout = Layout.NHWC;
        } else if (shape[1] == 3) { // [N,3,H,3]: ambiguous, the preprocessing decides, NCHW by default
            layout = pre.layout() == Layout.NHWC ? Layout.NHWC : Layout.NCHW;
        } else if (shape[1] < 0 && shape[3] < 0 && pre.layout() != Layout.AUTO) {
            layout = pre.layout();
        } else {
            throw new EmbeddingException(what + (shape[1] < 0 && shape[3] < 0
                    ? " (its channel axis is dynamic: give the preprocessing an explicit layout)" : ""));
        }
        if (pre.layout() != Layout.AUTO && pre.layout() != layout) {
            throw new EmbeddingException("Preprocessing layout " + pre.layout() + " does not match input '" + inName
                    + "' of " + file + " with shape " + Arrays.toString(shape) + " (" + layout + ")");
        }
        long h = layout == Layout.NCHW ? shape[2] : shape[1];
        long w = layout == Layout.NCHW ? shape[3] : shape[2];
        if ((h > 0 && h != pre.height()) || (w > 0 && w != pre.width())) {
            throw new EmbeddingException("Input '" + inName + "' of " + file + " has shape " + Arrays.toString(shape)
                    + " (" + (w > 0 ? w : "any") + " wide, " + (h > 0 ? h : "any") + " high) but the preprocessing "
                    + "makes " + pre.width() + "x" + pre.height() + " images; use a preset of the model's size");
        }
        int fixedBatch = shape[0] > 0 ? (int) shape[0] : 0;
        return new InputSpec(inName, shape, pre.withLayout(layout), fixedBatch);
    }

    private Map<String, List<Long>> outputs(Path file) {
        try {
            Map<String, List<Long>> out = new LinkedHashMap<>();
            for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
                ValueInfo vi = e.getValue().getInfo();
                out.put(e.getKey(), vi instanceof TensorInfo ti ? boxed(ti.getShape()) : List.of());
            }
            if (out.isEmpty()) {
                throw new EmbeddingException("Model " + file + " has no outputs");
            }
            return out;
        } catch (OrtException e) {
            throw new EmbeddingException("Cannot read the outputs of " + file + ": " + e.getMessage(), e);
        }
    }

    private long[] probeShape(InputSpec input, String output) {
        int feed = input.fixedBatch > 0 ? input.fixedBatch : 1;
        Preprocessing p = input.preprocessing;
        FloatBuffer buf = ByteBuffer.allocateDirect(feed * p.elementsPerImage() * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        long[] shape = p.layout() == Layout.NCHW
                ? new long[] {feed, 3, p.height(), p.width()}
                : new long[] {feed, p.height(), p.width(), 3};
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, buf, shape);
             OrtSession.Result result = session.run(Map.of(input.name, tensor), Set.of(output))) {
            OnnxValue v = result.get(output).orElseThrow();
            if (!(v instanceof OnnxTensor t) || t.getInfo().type != OnnxJavaType.FLOAT) {
                throw new EmbeddingException("Output '" + output + "' is not a float tensor: " + v.getInfo());
            }
            return t.getInfo().getShape();
        } catch (OrtException e) {
            throw new EmbeddingException("ONNX Runtime failed a test run of the model with a blank "
                    + Arrays.toString(shape) + " input: " + e.getMessage(), e);
        }
    }

    /**
     * The channel axis of a 4-D output [N, a, b, c]: the axis equal to the expected dimension when exactly one
     * of 1 and 3 is, otherwise the input layout's channel axis.
     */
    static int channelAxis(long[] shape, int expectedDimension, Layout inputLayout) {
        if (expectedDimension > 0) {
            boolean first = shape[1] == expectedDimension;
            boolean last = shape[3] == expectedDimension;
            if (first != last) {
                return first ? 1 : 3;
            }
        }
        return inputLayout == Layout.NHWC ? 3 : 1;
    }

    private static String describe(Map<String, List<Long>> outputs) {
        StringBuilder s = new StringBuilder();
        outputs.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return s.toString();
    }

    private static List<Long> boxed(long[] shape) {
        return Arrays.stream(shape).boxed().toList();
    }

    private static String defaultName(Path file) {
        String n = file.getFileName().toString();
        return n.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx") ? n.substring(0, n.length() - 5) : n;
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file),
                MessageDigest.getInstance("SHA-256"))) {
            MessageDigest md = ((DigestInputStream) in).getMessageDigest();
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new EmbeddingException("Cannot read model file " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void closeQuietly(OrtSession s, RuntimeException primary) {
        try {
            s.close();
        } catch (OrtException e) {
            primary.addSuppressed(e);
        }
    }

    /** Builder of {@link OnnxEmbedder}; see {@link OnnxEmbedder#builder(Path)} for the defaults. */
    public static final class Builder {
        private final Path modelFile;
        private String name;
        private Preprocessing preprocessing;
        private String outputName;
        private Pooling pooling = Pooling.AUTO;
        private boolean normalize = true;
        private boolean flipAverage;
        private int intraOpThreads;
        private boolean spinning;
        private int batchSize = 8;
        private ModelDescriptor descriptor;
        private String expectedSha256;
        private int expectedDimension;

        private Builder(Path modelFile) {
            this.modelFile = Objects.requireNonNull(modelFile, "modelFile");
        }

        /** Model name (default: the file name without {@code .onnx}). */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            return this;
        }

        /** Required: how images become tensors; its layout may be AUTO (taken from the model). */
        public Builder preprocessing(Preprocessing preprocessing) {
            this.preprocessing = Objects.requireNonNull(preprocessing, "preprocessing");
            return this;
        }

        /** The output to embed from (default: the model's first output). */
        public Builder outputName(String outputName) {
            this.outputName = Objects.requireNonNull(outputName, "outputName");
            return this;
        }

        /** Pooling of a 4-D output (default {@link Pooling#AUTO}: average). */
        public Builder pooling(Pooling pooling) {
            this.pooling = Objects.requireNonNull(pooling, "pooling");
            return this;
        }

        /**
         * Whether each image's vector is the sum of its own and its mirror image's (each normalised first when
         * normalising): a descriptor that does not change under a left-right flip, at twice the inference cost.
         * Default false; {@code flip.average=true} in {@code model.properties} turns it on.
         */
        public Builder flipAverage(boolean flipAverage) {
            this.flipAverage = flipAverage;
            return this;
        }

        /** Whether vectors are L2-normalised (default true). */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /** ONNX Runtime intra-op threads per run (default: ONNX Runtime's choice, one per core). */
        public Builder intraOpThreads(int threads) {
            if (threads <= 0) {
                throw new IllegalArgumentException("intraOpThreads must be positive, got " + threads);
            }
            this.intraOpThreads = threads;
            return this;
        }

        /**
         * Whether ONNX Runtime's intra-op threads spin while waiting for work (ONNX Runtime's own default).
         * Default {@code false}: spinning threads take CPU time from the decode threads that run beside inference
         * while indexing; measured on 2 cores (docs/BENCHMARKS.md), indexing was about 18% faster without
         * spinning, batch-8 inference alone unchanged and a single-image run about 1 ms slower. Turn it on for a
         * process that only runs the model.
         */
        public Builder spinning(boolean spinning) {
            this.spinning = spinning;
            return this;
        }

        /** Most images per model run (default 8); ignored when the model has a fixed batch size. */
        public Builder batchSize(int batchSize) {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Loads the model and checks it.
         *
         * @throws EmbeddingException with one message naming the problem: missing file, no preprocessing, an
         *                            input that is not an image tensor, a size the preprocessing does not make,
         *                            an unknown output (listing the outputs), a dimension mismatch
         */
        public OnnxEmbedder build() {
            return new OnnxEmbedder(this);
        }
    }

    /**
     * Creates the session on a thread with a large stack. ONNX Runtime's model loading and graph optimisation run
     * native code on the calling thread, and it was seen to overflow a JVM launcher's default main-thread stack
     * (a SIGSEGV that kills the JVM, depending on the class path length); a dedicated thread makes loading
     * independent of the caller's stack size.
     */
    private static OrtSession createSessionOnLargeStack(OrtEnvironment env, Path file,
                                                        OrtSession.SessionOptions options) throws OrtException {
        OrtSession[] session = new OrtSession[1];
        Throwable[] failure = new Throwable[1];
        Thread loader = new Thread(null, () -> {
            try {
                session[0] = env.createSession(file.toString(), options);
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "imagesearch-onnx-load", 64L << 20);
        loader.start();
        try {
            loader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddingException("Interrupted while loading model " + file, e);
        }
        if (failure[0] instanceof OrtException oe) {
            throw oe;
        }
        if (failure[0] instanceof RuntimeException re) {
            throw re;
        }
        if (failure[0] instanceof Error err) {
            throw err;
        }
        return session[0];
    }
}
