package dev.imagesearch.embed;

import dev.imagesearch.error.ImageSearchException;

/** An embedder could not turn an image into a vector (model failure, wrong model, bad input). */
public class EmbeddingException extends ImageSearchException {
    public EmbeddingException(String message) {
        super(message);
    }

    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}
