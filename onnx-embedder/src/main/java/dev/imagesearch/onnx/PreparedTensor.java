package dev.imagesearch.onnx;

import dev.imagesearch.embed.PreparedImage;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An image prepared by an {@link OnnxEmbedder}: its input tensor, and its mirror image's with flip averaging, in
 * pooled direct buffers (a heap array of a tensor's size would be a humongous object for G1: measured, twice the
 * collections). The buffers go back to the pool after one run, so a prepared image is run once; a second run
 * prepares its image again.
 */
final class PreparedTensor implements PreparedImage {

    private final OnnxEmbedder owner;
    private final BufferedImage image;
    private final FloatBuffer tensor;
    private final FloatBuffer mirrored;
    private final AtomicBoolean claimed = new AtomicBoolean();

    /** {@code mirrored} is null without flip averaging. */
    PreparedTensor(OnnxEmbedder owner, BufferedImage image, FloatBuffer tensor, FloatBuffer mirrored) {
        this.owner = owner;
        this.image = image;
        this.tensor = tensor;
        this.mirrored = mirrored;
    }

    @Override
    public BufferedImage image() {
        return image;
    }

    /** Whether {@code embedder} may run (and then recycle) the buffers: it made them, and nobody ran them yet. */
    boolean claim(OnnxEmbedder embedder) {
        return owner == embedder && claimed.compareAndSet(false, true);
    }

    FloatBuffer tensor() {
        return tensor;
    }

    /** Null without flip averaging. */
    FloatBuffer mirrored() {
        return mirrored;
    }
}
