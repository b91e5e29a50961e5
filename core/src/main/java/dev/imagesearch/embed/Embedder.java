package dev.imagesearch.embed;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Turns an image into a feature vector.
 *
 * <p>Implementations say whether they are thread-safe with {@link #threadSafe()}. {@code ImageSearch} calls an
 * embedder that is not thread-safe from one thread at a time (searches and indexing take turns), so such an
 * embedder is still safe to use through the facade.
 *
 * <p>Vectors returned by {@link #embed} and {@link #embedBatch} all have {@link #dimension()} elements.
 * Embedders meant for cosine search return L2-normalised vectors.
 */
public interface Embedder extends AutoCloseable {

    /** Short stable name of the model, e.g. {@code efficientnet-lite0}; vector collections are named after it. */
    String name();

    /** Number of elements of every vector this embedder returns. */
    int dimension();

    /**
     * Identity of the exact model and preprocessing (for example a hash of the model file and the preset).
     * A vector collection records it, and opening that collection with a different fingerprint fails, so that
     * vectors of two different models are never mixed under one name. Defaults to {@link #name()}.
     */
    default String fingerprint() {
        return name();
    }

    /**
     * Whether {@link #embed} and {@link #embedBatch} may be called from several threads at once. Default
     * {@code false}: callers serialise the calls.
     */
    default boolean threadSafe() {
        return false;
    }

    /** Embeds one image. */
    float[] embed(BufferedImage image);

    /**
     * Embeds several images; the result has one vector per input, in order. The default implementation embeds
     * one at a time; model-backed embedders override it to run real batches.
     */
    default List<float[]> embedBatch(List<BufferedImage> images) {
        return images.stream().map(this::embed).toList();
    }

    /**
     * Does the work on one image that does not need the model (for a model: resizing it and writing its input
     * tensor), so that callers can run it on other threads while the model is busy; the indexing pipeline calls it
     * on its decode threads. Must be thread-safe, whatever {@link #threadSafe()} says. The default does nothing
     * and returns the image.
     */
    default PreparedImage prepare(BufferedImage image) {
        return () -> image;
    }

    /**
     * Embeds images that {@link #prepare} made; the same vectors as {@link #embedBatch} of their images. The
     * default embeds their images with {@link #embedBatch}; embedders that override {@link #prepare} override this
     * too, and fall back to the images for a prepared image they did not make.
     */
    default List<float[]> embedPrepared(List<PreparedImage> images) {
        return embedBatch(images.stream().map(PreparedImage::image).toList());
    }

    /** How many images {@link #embedBatch} handles well at once. */
    default int preferredBatchSize() {
        return 8;
    }

    /**
     * The smallest width and height (in pixels) the embedder needs. A decoder may decode large images at a
     * reduced resolution as long as both sides stay at or above this size. 0 means "full resolution".
     */
    default int minimumInputSide() {
        return 0;
    }

    /**
     * The model's metadata (for an ONNX model: every key of its {@code model.properties}), e.g. the quality prior
     * {@code quality.map10} that default fusion weights come from. Default: none.
     */
    default Map<String, String> properties() {
        return Map.of();
    }

    /**
     * The cosine similarity from which two of this model's vectors count as the same picture (a resized,
     * recompressed, cropped, ... copy), calibrated on a labelled set; empty when the model has none. Used as the
     * default of {@code DuplicateFinder}. Default: empty.
     */
    default OptionalDouble duplicateThreshold() {
        return OptionalDouble.empty();
    }

    /** Releases native resources. The default does nothing. */
    @Override
    default void close() {
    }
}
