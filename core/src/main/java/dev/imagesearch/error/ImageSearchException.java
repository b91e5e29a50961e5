package dev.imagesearch.error;

/**
 * The common type of every exception the library throws for a failure (as opposed to a programming error such as
 * a null argument, which stays {@link IllegalArgumentException} / {@link NullPointerException}): decoding
 * ({@code ImageDecodeException}), embedding ({@code EmbeddingException}), vector stores
 * ({@code VectorStoreException}, {@code CollectionMismatchException}), id maps of the server modules, an aborted or
 * cancelled {@code index} call. Catch it to handle every library failure in one place; every subtype's message
 * names what failed (file, collection, server) and, where there is one, what to do about it.
 *
 * <p>It lives in its own package so that every other package can extend it without an import cycle.
 */
public class ImageSearchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ImageSearchException(String message) {
        super(message);
    }

    public ImageSearchException(String message, Throwable cause) {
        super(message, cause);
    }
}
