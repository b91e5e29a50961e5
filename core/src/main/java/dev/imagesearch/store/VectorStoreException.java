package dev.imagesearch.store;

/** A vector store operation failed (I/O, server, corrupt data). */
public class VectorStoreException extends RuntimeException {
    public VectorStoreException(String message) {
        super(message);
    }

    public VectorStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
