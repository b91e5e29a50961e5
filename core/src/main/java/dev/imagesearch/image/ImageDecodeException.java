package dev.imagesearch.image;

import dev.imagesearch.error.ImageSearchException;

/**
 * An image could not be read or decoded; the message says why, in words a user can act on. Unchecked (like every
 * {@link ImageSearchException}): {@code ImageSearch.similar(Path, int)} adds the file's path to the message.
 */
public class ImageDecodeException extends ImageSearchException {
    public ImageDecodeException(String message) {
        super(message);
    }

    public ImageDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
