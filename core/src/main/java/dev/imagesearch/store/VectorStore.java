package dev.imagesearch.store;

/**
 * A place that keeps vector collections, one per model. Implementations: the embedded file store in core, Milvus.
 */
public interface VectorStore extends AutoCloseable {

    /**
     * Opens the collection described by {@code spec}, creating it if missing.
     *
     * @throws CollectionMismatchException if the collection exists with another dimension, metric or
     *                                     fingerprint; the message names both values and nothing is changed
     */
    VectorCollection open(CollectionSpec spec);

    /** Whether a collection of that name exists, without creating it. */
    boolean exists(String name);

    /** The names of the collections this store holds, sorted (for messages such as "this store holds ..."). */
    java.util.List<String> collectionNames();

    /** Closes every collection opened from this store and releases its resources. */
    @Override
    void close();
}
