package dev.imagesearch.store;

import dev.imagesearch.error.ImageSearchException;

/** A vector store operation failed (I/O, server, corrupt data). */
public class VectorStoreException extends ImageSearchException {
    public VectorStoreException(String message) {
        super(message);
    }

    public VectorStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
