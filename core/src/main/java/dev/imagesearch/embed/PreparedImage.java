package dev.imagesearch.embed;

import java.awt.image.BufferedImage;

/**
 * An image made ready for one embedder by {@link Embedder#prepare}: for a model, typically already resized and laid
 * out as its input tensor. Preparing is the part of embedding that does not need the model, so a pipeline can do
 * it on other threads while the model runs the previous batch. Opaque to callers: hand it back to the embedder that
 * made it ({@link Embedder#embedPrepared}).
 */
public interface PreparedImage {

    /** The image this was prepared from. */
    BufferedImage image();
}
