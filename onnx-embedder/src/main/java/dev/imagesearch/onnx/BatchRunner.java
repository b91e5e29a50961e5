package dev.imagesearch.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.onnx.preprocess.Pipeline;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Batching for {@link OnnxEmbedder}: preprocesses up to one batch of images into a pooled direct buffer, runs the
 * session and splits the output per image. Thread-safe: ONNX Runtime sessions allow concurrent {@code run} calls,
 * and a buffer is never shared between two calls in flight. {@link #close()} waits for calls in flight.
 */
final class BatchRunner implements AutoCloseable {

    private final String name;
    private final OnnxModel model;
    private final Pipeline pipeline;
    private final int batchSize;
    /**
     * Pooled tensors kept, in this runner's batches: with the indexer's default batch size (the model's), the
     * prefetched batch, the batch being run and one more. Tensors beyond it, or never run (a cancelled batch),
     * are left to the garbage collector, which frees their direct memory.
     */
    private static final int MAX_POOLED_BATCHES = 3;

    private final ConcurrentLinkedQueue<FloatBuffer> buffers = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<FloatBuffer> tensors = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pooledTensors = new AtomicInteger();
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lifecycle

    /** Batches of up to {@code batchSize} images, or exactly the model's fixed batch. */
    BatchRunner(String name, OnnxModel model, int batchSize) {
        this.name = name;
        this.model = model;
        this.pipeline = model.pipeline();
        this.batchSize = model.fixedBatch() > 0 ? model.fixedBatch() : batchSize;
    }

    int batchSize() {
        return batchSize;
    }

    /** One image alone, through the pipeline and the model; see {@link #run(List, String, int)}. */
    float[][] runOne(BufferedImage image, String output, int channelAxis) {
        FloatBuffer t = tensor(image);
        try {
            return run(List.of(t), output, channelAxis).get(0);
        } finally {
            recycle(List.of(t));
        }
    }

    /**
     * One image's input tensor, made off the batch ({@link OnnxEmbedder#prepare}), in a pooled direct buffer: hand
     * it back with {@link #recycle} once run.
     */
    FloatBuffer tensor(BufferedImage image) {
        FloatBuffer t = tensors.poll();
        if (t != null) {
            pooledTensors.decrementAndGet();
        } else {
            t = ByteBuffer.allocateDirect(pipeline.elementsPerImage() * Float.BYTES).order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
        }
        t.clear();
        pipeline.apply(image, t);
        return t.flip();
    }

    /** Tensors made by {@link #tensor} that will not be read again go back to the pool (up to a bound). */
    void recycle(List<FloatBuffer> used) {
        for (FloatBuffer t : used) {
            if (t != null && pooledTensors.incrementAndGet() <= MAX_POOLED_BATCHES * batchSize) {
                tensors.offer(t);
            } else {
                pooledTensors.decrementAndGet();
            }
        }
    }

    /** The vectors of any number of tensors made by {@link #tensor}, run a batch at a time. */
    List<float[]> embed(List<FloatBuffer> inputs, EmbeddingHead head) {
        List<float[]> result = new ArrayList<>(inputs.size());
        for (int from = 0; from < inputs.size(); from += batchSize) {
            List<FloatBuffer> chunk = inputs.subList(from, Math.min(inputs.size(), from + batchSize));
            for (float[][] row : run(chunk, head.output(), head.channelAxis())) {
                result.add(head.vector(row));
            }
        }
        return result;
    }

    /**
     * Runs up to one batch of tensors made by {@link #tensor}; returns per tensor {@code output} as {@code [1][n]}
     * (not 4-D) or as {@code [spatial][channels]} with the channels on {@code channelAxis} (1 or 3) of a 4-D output.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    List<float[][]> run(List<FloatBuffer> inputs, String output, int channelAxis) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("OnnxEmbedder " + name + " is closed");
            }
            int n = inputs.size();
            int feed = model.fixedBatch() > 0 ? model.fixedBatch() : n; // a fixed batch is padded with zeros
            if (model.fixedBatch() > 0 && n > feed) {
                throw new IllegalStateException("batch of " + n + " above the model's fixed batch " + feed);
            }
            int per = pipeline.elementsPerImage();
            FloatBuffer buf = takeBuffer();
            try {
                buf.clear();
                for (FloatBuffer input : inputs) {
                    buf.put(input.duplicate()); // a copy of the view: the tensor's own position stays
                }
                while (buf.position() < feed * per) {
                    buf.put(0f);
                }
                buf.flip();
                return infer(buf, feed, n, output, channelAxis);
            } finally {
                buffers.offer(buf);
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private List<float[][]> infer(FloatBuffer buf, int feed, int n, String output, int channelAxis) {
        try (OnnxTensor tensor = OnnxTensor.createTensor(model.env(), buf, model.tensorShape(feed));
             OrtSession.Result result = model.session().run(Map.of(model.inputName(), tensor), Set.of(output))) {
            OnnxValue value = result.get(output).orElseThrow(
                    () -> new EmbeddingException("ONNX Runtime returned no '" + output + "' output"));
            if (!(value instanceof OnnxTensor t) || t.getInfo().type != OnnxJavaType.FLOAT) {
                throw new EmbeddingException("Output '" + output + "' of " + name + " is not a float tensor: "
                        + value.getInfo());
            }
            return split(t.getFloatBuffer(), t.getInfo().getShape(), n, output, channelAxis);
        } catch (OrtException e) {
            throw new EmbeddingException("ONNX Runtime failed to run model " + name + ": " + e.getMessage(), e);
        }
    }

    /** Splits a batch output into per-image {@code [positions][channels]} arrays (channels contiguous). */
    private List<float[][]> split(FloatBuffer data, long[] shape, int n, String output, int axis) {
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

    private FloatBuffer takeBuffer() {
        FloatBuffer b = buffers.poll();
        if (b != null) {
            return b;
        }
        int floats = batchSize * pipeline.elementsPerImage();
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Releases the session after calls in flight finish. Idempotent. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            buffers.clear();
            tensors.clear();
            model.session().close();
        } catch (OrtException e) {
            throw new EmbeddingException("Failed to close the ONNX Runtime session of " + name, e);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
