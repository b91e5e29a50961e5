package dev.imagesearch.onnx;

import dev.imagesearch.embed.Embedder;
import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.embed.PreparedImage;
import dev.imagesearch.onnx.preprocess.Layout;
import dev.imagesearch.onnx.preprocess.Pipeline;
import dev.imagesearch.onnx.preprocess.Preprocessing;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

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
 * <p>The preprocessing is a {@link Pipeline} of transforms, kept apart from the model. The work is split: model
 * loading ({@code OnnxModel}: hashing, session, input and output probing), batching ({@code BatchRunner}) and the
 * embedding head ({@code EmbeddingHead}: pooling, L2 normalisation).
 *
 * <p><b>Thread-safety:</b> an instance is thread-safe. {@link #embed}, {@link #embedBatch}, {@link #prepare},
 * {@link #embedPrepared} and {@link #run} may be called concurrently from any number of threads: ONNX Runtime
 * sessions allow concurrent {@code run} calls, and input buffers and tensors come from concurrent pools, never
 * shared between two calls in flight. {@link #close()} waits
 * for calls in flight to finish; calls after it fail with {@link IllegalStateException}.
 */
public final class OnnxEmbedder implements Embedder {

    private final String name;
    private final String fingerprint;
    private final OnnxModel model;
    private final EmbeddingHead head;
    private final BatchRunner runner;
    private final ModelInfo info;
    private final boolean flipAverage;
    private final Optional<ModelDescriptor> descriptor;

    private OnnxEmbedder(Builder b) {
        if (b.pipeline == null) {
            throw new EmbeddingException("No preprocessing given for model " + b.modelFile
                    + "; call preprocessing(Preprocessing.preset(...)) or pipeline(...), presets: "
                    + String.join(", ", Pipeline.presetNames()));
        }
        this.model = OnnxModel.load(new OnnxModel.Settings(b.modelFile, b.pipeline, b.expectedSha256,
                b.intraOpThreads, b.spinning));
        this.name = b.name != null ? b.name : defaultName(b.modelFile);
        this.flipAverage = b.flipAverage;
        this.descriptor = Optional.ofNullable(b.descriptor);
        this.runner = new BatchRunner(name, model, b.batchSize);
        try {
            Map<String, List<Long>> outputs = model.outputs();
            String out = b.outputName != null ? b.outputName : outputs.keySet().iterator().next();
            if (!outputs.containsKey(out)) {
                throw new EmbeddingException("Model " + b.modelFile + " has no output '" + out
                        + "'; its outputs are " + OnnxModel.describe(outputs));
            }
            // Probe with one blank image: the real output shape decides rank, channel axis and dimension.
            this.head = EmbeddingHead.of(b.modelFile, out, model.probeShape(out), b.pooling, b.gemP, b.normalize,
                    b.expectedDimension, model.pipeline().layout(), Optional.ofNullable(b.whitening));
            this.info = model.info(out, head.dimension());
            // The format is read back by core (stored in every index): keep it as it is.
            this.fingerprint = name + "@sha256:" + model.sha256() + ";" + head.describe() + ";"
                    + model.pipeline().id() + (flipAverage ? ";flip=avg" : "");
        } catch (RuntimeException e) {
            try {
                runner.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * A builder for the model at {@code modelFile}. Defaults: name = file name without {@code .onnx};
     * preprocessing required ({@link Builder#preprocessing} or {@link Builder#pipeline}); output = the model's first; pooling {@link Pooling#AUTO}; GeM exponent 3 (used with {@link Pooling#GEM}); no whitening; L2 normalisation on;
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
        Builder b = builder(d.modelFile()).name(d.name()).pipeline(d.pipeline()).pooling(d.pooling())
                .gemP(d.gemP());
        d.output().ifPresent(b::outputName);
        d.whitening().ifPresent(b::whitening);
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
     * {@code <name>@sha256:<model file hash>;output=<output>;pooling=<avg|max|none|gem<p>>;l2=<bool>[;whiten=<sha256>/<dimension>];<preprocessing id>[;flip=avg]}:
     * everything that decides the vectors. The preprocessing id is {@link Pipeline#id()}.
     */
    @Override
    public String fingerprint() {
        return fingerprint;
    }

    /** SHA-256 (lower-case hex) of the model file. */
    public String modelSha256() {
        return model.sha256();
    }

    /** The preprocessing pipeline, with its layout resolved from the model. */
    public Pipeline preprocessing() {
        return model.pipeline();
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
    public OptionalDouble duplicateThreshold() {
        return descriptor.map(ModelDescriptor::duplicateThreshold).orElse(OptionalDouble.empty());
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
        return embedPrepared(images.stream().map(this::prepare).toList());
    }

    /** The image's input tensor (and its mirror image's, with flip averaging). Thread-safe. */
    @Override
    public PreparedImage prepare(BufferedImage image) {
        return prepareTensor(image);
    }

    private PreparedTensor prepareTensor(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        return new PreparedTensor(this, image, runner.tensor(image),
                flipAverage ? runner.tensor(FlipAverage.mirror(image)) : null);
    }

    /**
     * Runs the tensors of images this embedder prepared (each prepared image runs once: its buffers are reused
     * after); an image prepared elsewhere, or run before, is prepared again.
     */
    @Override
    public List<float[]> embedPrepared(List<PreparedImage> images) {
        List<PreparedTensor> tensors = new ArrayList<>(images.size());
        try {
            for (PreparedImage p : images) {
                tensors.add(p instanceof PreparedTensor t && t.claim(this) ? t : prepareTensor(p.image()));
            }
            List<float[]> vectors = runner.embed(tensors.stream().map(PreparedTensor::tensor).toList(), head);
            return !flipAverage ? vectors : FlipAverage.combine(vectors,
                    runner.embed(tensors.stream().map(PreparedTensor::mirrored).toList(), head), head.normalize());
        } finally { // also when a run failed: these tensors are claimed and will not be read again
            runner.recycle(tensors.stream().map(PreparedTensor::tensor).toList());
            runner.recycle(tensors.stream().map(PreparedTensor::mirrored).toList());
        }
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
                    + OnnxModel.describe(info.outputs()));
        }
        int axis = outputName.equals(head.output()) ? head.channelAxis() : (info.layout() == Layout.NHWC ? 3 : 1);
        float[][] row = runner.runOne(image, outputName, axis);
        return EmbeddingHead.reduce(row, head.pooling() == Pooling.MAX ? Pooling.MAX : Pooling.AVG);
    }

    /** Yes: concurrent calls share the session (ONNX Runtime's run is thread-safe) and use their own buffers. */
    @Override
    public boolean threadSafe() {
        return true;
    }

    @Override
    public int preferredBatchSize() {
        return runner.batchSize();
    }

    /**
     * The side below which decoding at reduced resolution would change the result: the first resize's target
     * (the stretch target's larger side, or the shorter-side size before a centre crop); see
     * {@link Pipeline#minimumInputSide()}.
     */
    @Override
    public int minimumInputSide() {
        return model.pipeline().minimumInputSide();
    }

    /** Releases the ONNX Runtime session after calls in flight finish. Idempotent. */
    @Override
    public void close() {
        runner.close();
    }

    @Override
    public String toString() {
        return "OnnxEmbedder[" + name + ", " + info.dimension() + "-d, " + info.layout() + " "
                + info.width() + "x" + info.height() + ", output " + info.outputName() + "]";
    }

    private static String defaultName(Path file) {
        String n = file.getFileName().toString();
        return n.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx") ? n.substring(0, n.length() - 5) : n;
    }

    /** Builder of {@link OnnxEmbedder}; see {@link OnnxEmbedder#builder(Path)} for the defaults. */
    public static final class Builder {
        private final Path modelFile;
        private String name;
        private Pipeline pipeline;
        private String outputName;
        private Pooling pooling = Pooling.AUTO;
        private double gemP = EmbeddingHead.DEFAULT_GEM_P;
        private Whitening whitening;
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

        /** Required (or {@link #pipeline}): how images become tensors; its layout may be AUTO (from the model). */
        public Builder preprocessing(Preprocessing preprocessing) {
            this.pipeline = Objects.requireNonNull(preprocessing, "preprocessing").toPipeline();
            return this;
        }

        /**
         * Required (or {@link #preprocessing}): how images become tensors, as a pipeline of transforms, e.g.
         * {@code Pipeline.preset("efficientnet-lite")} or {@code Pipeline.parse(...)}; its layout may be AUTO.
         */
        public Builder pipeline(Pipeline pipeline) {
            this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
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
         * The exponent p of {@link Pooling#GEM} (default 3; p = 1 is average pooling, larger p is closer to max
         * pooling), in (0, 16]; {@code pooling.p} in {@code model.properties}. Part of the fingerprint.
         */
        public Builder gemP(double p) {
            this.gemP = EmbeddingHead.checkedGemP(p);
            return this;
        }

        /**
         * A learned whitening applied after pooling (default none): the pooled vector is L2-normalised, centred
         * and projected, then normalised as {@link #normalize} says. Its input dimension must be the pooled
         * output's; its hash and output dimension are part of the fingerprint. {@code whitening} in
         * {@code model.properties}.
         */
        public Builder whitening(Whitening whitening) {
            this.whitening = Objects.requireNonNull(whitening, "whitening");
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
}
