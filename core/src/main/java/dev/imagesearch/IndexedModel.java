package dev.imagesearch;

import dev.imagesearch.embed.Embedder;
import dev.imagesearch.store.VectorCollection;
import java.util.Objects;

/**
 * One model of an {@link ImageSearch}: its embedder and the vector collection that holds its vectors. Every model
 * has a collection of its own; all models share the id map (ids come from image content, not from the model).
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
}
