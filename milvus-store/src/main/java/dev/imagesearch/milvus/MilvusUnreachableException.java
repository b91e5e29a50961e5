package dev.imagesearch.milvus;

import dev.imagesearch.store.VectorStoreException;

/**
 * The Milvus server does not accept connections (it is down, or the address is wrong). The message names the
 * address and the operation, in plain words; the cause, if any, is the SDK's exception.
 */
public class MilvusUnreachableException extends VectorStoreException {

    public MilvusUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
