package dev.imagesearch.milvus;

import dev.imagesearch.error.BackendException;

/**
 * A Milvus id map could not be opened or used: the server is unreachable or refused the call, or the collection
 * of the namespace exists but is not an imagesearch id map (or has another format version). The message names
 * the server, the collection and the operation.
 */
public class MilvusIdMapException extends BackendException {

    private static final long serialVersionUID = 1L;

    public MilvusIdMapException(String message, Throwable cause) {
        super(message, cause);
    }

    public MilvusIdMapException(String message) {
        super(message);
    }
}
