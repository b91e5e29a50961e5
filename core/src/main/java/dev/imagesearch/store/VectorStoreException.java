package dev.imagesearch.store;

import dev.imagesearch.error.BackendException;

/** A vector store operation failed (I/O, server, corrupt data); a {@link BackendException}. */
public class VectorStoreException extends BackendException {
    public VectorStoreException(String message) {
        super(message);
    }

    public VectorStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
