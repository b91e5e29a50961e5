package dev.imagesearch.store;

/**
 * An existing collection was made for another model: its dimension, metric or model fingerprint differs from
 * what the caller asked for. Nothing was written.
 */
public class CollectionMismatchException extends VectorStoreException {
    public CollectionMismatchException(String message) {
        super(message);
    }

    /** Builds the standard message naming both values. */
    public static CollectionMismatchException of(String collection, String what, Object existing, Object requested) {
        return new CollectionMismatchException("Collection '" + collection + "' holds vectors with " + what + " "
                + existing + " but " + requested + " was requested; use another collection name or data "
                + "directory, or remove the collection to re-index with this model");
    }
}
