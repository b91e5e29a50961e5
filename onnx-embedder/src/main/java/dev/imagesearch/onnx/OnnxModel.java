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
import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.hash.Sha256;
import dev.imagesearch.onnx.preprocess.Layout;
import dev.imagesearch.onnx.preprocess.Pipeline;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Model loading for {@link OnnxEmbedder}: the file's hash, the ONNX Runtime session, and what its input and
 * outputs are. The single image input must be a float tensor of rank 4 whose channel axis (3 channels) is
 * dimension 1 (NCHW) or the last one (NHWC); the preprocessing's layout is resolved from it.
 *
 * @param file         the model file
 * @param sha256       SHA-256 (lower-case hex) of the file
 * @param env          the ONNX Runtime environment
 * @param session      the session (closed by the embedder's batch runner)
 * @param inputName    name of the image input
 * @param inputShape   the input's declared shape (-1 for dynamic dimensions)
 * @param pipeline     the preprocessing with its layout resolved from the input
 * @param fixedBatch   the batch size the model requires, 0 when dynamic
 * @param outputs      every output's name and declared shape, in the model's order
 */
record OnnxModel(Path file, String sha256, OrtEnvironment env, OrtSession session, String inputName,
                 List<Long> inputShape, Pipeline pipeline, int fixedBatch, Map<String, List<Long>> outputs) {

    /** What loading needs from the builder. */
    record Settings(Path file, Pipeline pipeline, String expectedSha256, int intraOpThreads, boolean spinning) {
    }

    /**
     * Hashes and loads the model and reads its input and outputs.
     *
     * @throws EmbeddingException naming the file and the problem
     */
    static OnnxModel load(Settings s) {
        Path file = s.file();
        if (!Files.isRegularFile(file)) {
            throw new EmbeddingException("Model file not found: " + file);
        }
        String sha256 = sha256(file);
        if (s.expectedSha256() != null && !s.expectedSha256().equalsIgnoreCase(sha256)) {
            throw new EmbeddingException("Model file " + file + " has SHA-256 " + sha256 + " but its "
                    + ModelDescriptor.FILE_NAME + " expects " + s.expectedSha256()
                    + "; the file is damaged or was replaced (provision the model again)");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (s.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(s.intraOpThreads());
            }
            if (!s.spinning()) {
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
            }
            session = createSessionOnLargeStack(env, file, options);
        } catch (OrtException e) {
            throw new EmbeddingException("ONNX Runtime cannot load model " + file + ": " + e.getMessage(), e);
        }
        try {
            return probe(file, sha256, env, session, s.pipeline());
        } catch (RuntimeException e) {
            try {
                session.close();
            } catch (OrtException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private static OnnxModel probe(Path file, String sha256, OrtEnvironment env, OrtSession session, Pipeline pre) {
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
        Layout layout = layout(shape, pre.layout(), what);
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
        return new OnnxModel(file, sha256, env, session, inName, boxed(shape), pre.withLayout(layout), fixedBatch,
                outputs(file, session));
    }

    /** The input's layout from its shape; an ambiguous or dynamic channel axis takes the preprocessing's. */
    private static Layout layout(long[] shape, Layout wanted, String what) {
        if (shape[1] == 3 && shape[3] != 3) {
            return Layout.NCHW;
        } else if (shape[3] == 3 && shape[1] != 3) {
            return Layout.NHWC;
        } else if (shape[1] == 3) { // [N,3,H,3]: ambiguous, the preprocessing decides, NCHW by default
            return wanted == Layout.NHWC ? Layout.NHWC : Layout.NCHW;
        } else if (shape[1] < 0 && shape[3] < 0 && wanted != Layout.AUTO) {
            return wanted;
        }
        throw new EmbeddingException(what + (shape[1] < 0 && shape[3] < 0
                ? " (its channel axis is dynamic: give the preprocessing an explicit layout)" : ""));
    }

    private static Map<String, List<Long>> outputs(Path file, OrtSession session) {
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

    /** The real shape of {@code output} for one blank image (or one fixed batch of them). */
    long[] probeShape(String output) {
        int feed = fixedBatch > 0 ? fixedBatch : 1;
        FloatBuffer buf = ByteBuffer.allocateDirect(feed * pipeline.elementsPerImage() * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        long[] shape = tensorShape(feed);
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, buf, shape);
             OrtSession.Result result = session.run(Map.of(inputName, tensor), Set.of(output))) {
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

    /** The input tensor's shape for a batch of {@code batch} images. */
    long[] tensorShape(int batch) {
        return pipeline.layout() == Layout.NCHW
                ? new long[] {batch, 3, pipeline.height(), pipeline.width()}
                : new long[] {batch, pipeline.height(), pipeline.width(), 3};
    }

    /** What the embedder reports about this model with {@code outputName} giving {@code dimension} values. */
    ModelInfo info(String outputName, int dimension) {
        return new ModelInfo(inputName, inputShape, pipeline.layout(), pipeline.width(), pipeline.height(),
                fixedBatch, outputs, outputName, dimension);
    }

    static String describe(Map<String, List<Long>> outputs) {
        StringBuilder s = new StringBuilder();
        outputs.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return s.toString();
    }

    private static List<Long> boxed(long[] shape) {
        return Arrays.stream(shape).boxed().toList();
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Sha256.hex(in);
        } catch (IOException e) {
            throw new EmbeddingException("Cannot read model file " + file + ": " + e.getMessage(), e);
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
