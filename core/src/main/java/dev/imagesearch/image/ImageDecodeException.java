package dev.imagesearch.image;

/** An image could not be read or decoded; the message says why, in words a user can act on. */
public class ImageDecodeException extends Exception {
    public ImageDecodeException(String message) {
        super(message);
    }

    public ImageDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
