package dev.imagesearch.embed;

/** An embedder could not turn an image into a vector (model failure, wrong model, bad input). */
public class EmbeddingException extends RuntimeException {
    public EmbeddingException(String message) {
        super(message);
    }

    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}
