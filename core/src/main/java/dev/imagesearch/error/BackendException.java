package dev.imagesearch.error;

/**
 * A storage backend failed: a vector store or an id map could not be opened or used (server unreachable, call
 * refused or timed out, data not made by imagesearch, I/O). The common type of {@code VectorStoreException},
 * {@code MilvusIdMapException}, {@code MilvusUnreachableException} and {@code RedisIdMapException}, so that a caller
 * can catch every backend failure with one clause whichever backend a URI chose. Each subtype's message names the
 * backend (server, file or collection) and the operation.
 */
public class BackendException extends ImageSearchException {

    private static final long serialVersionUID = 1L;

    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
