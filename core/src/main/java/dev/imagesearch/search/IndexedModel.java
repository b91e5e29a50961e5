package dev.imagesearch.search;

import dev.imagesearch.embed.Embedder;
import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.embed.PreparedImage;
import dev.imagesearch.store.VectorCollection;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One model of an index: its embedder and the vector collection that holds its vectors. Every model has a
 * collection of its own; all models share the id map (ids come from image content, not from the model).
 *
 * <p>It owns how its embedder is called, for indexing and search alike: one call at a time unless the embedder is
 * {@link Embedder#threadSafe() thread-safe}, and every vector checked against the collection's dimension.
 *
 * @param name       the model's name in results and reports (the collection name)
 * @param embedder   turns images into this model's vectors
 * @param collection where this model's vectors live
 */
public record IndexedModel(String name, Embedder embedder, VectorCollection collection) {
    public IndexedModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(embedder, "embedder");
        Objects.requireNonNull(collection, "collection");
    }

    /**
     * Embeds one image (already {@code TYPE_INT_RGB}: see {@code RgbImages.toRgb}) and checks the vector.
     *
     * @throws EmbeddingException if the model returns no vector or one of the wrong length
     */
    public float[] embed(BufferedImage rgb) {
        Embedder e = embedder;
        if (e.threadSafe()) {
            return checkVector(e.embed(rgb));
        }
        synchronized (e) {
            return checkVector(e.embed(rgb));
        }
    }

    /**
     * Embeds several images in one call of the model and checks every vector.
     *
     * @throws EmbeddingException if a vector is missing or has the wrong length
     */
    public List<float[]> embedBatch(List<BufferedImage> rgb) {
        return checkVectors(callModel(e -> e.embedBatch(rgb)), rgb.size());
    }

    /**
     * Embeds images that {@link #prepare} made, in one call of the model, and checks every vector.
     *
     * @throws EmbeddingException if a vector is missing or has the wrong length
     */
    public List<float[]> embedPrepared(List<PreparedImage> prepared) {
        return checkVectors(callModel(e -> e.embedPrepared(prepared)), prepared.size());
    }

    /** One call of the model, under the embedder's lock unless it is thread-safe. */
    private List<float[]> callModel(Function<Embedder, List<float[]>> call) {
        Embedder e = embedder;
        if (e.threadSafe()) {
            return call.apply(e);
        }
        synchronized (e) {
            return call.apply(e);
        }
    }

    /** Prepares an image for {@link #embedPrepared} ({@link Embedder#prepare}: thread-safe, needs no lock). */
    public PreparedImage prepare(BufferedImage rgb) {
        return embedder.prepare(rgb);
    }

    private List<float[]> checkVectors(List<float[]> vectors, int images) {
        if (vectors == null || vectors.size() != images) {
            throw new EmbeddingException("the embedder returned " + (vectors == null ? "nothing" : vectors.size()
                    + " vectors") + " for " + images + " images");
        }
        vectors.forEach(this::checkVector);
        return vectors;
    }

    /** {@code v} if it has the collection's dimension, else an {@link EmbeddingException} saying so. */
    public float[] checkVector(float[] v) {
        int dim = collection.spec().dimension();
        if (v == null || v.length != dim) {
            throw new EmbeddingException("the embedder returned " + (v == null ? "no vector" : v.length
                    + " values") + " but the collection has dimension " + dim);
        }
        return v;
    }
}
