package dev.imagesearch.store;

import java.util.Optional;

/**
 * An existing collection was made for another model: its dimension, metric or model fingerprint differs from
 * what the caller asked for. Nothing was written. {@link #what()}, {@link #existing()} and {@link #requested()}
 * say which property differs and both values, for callers that can adapt (e.g. open with the stored settings).
 */
public class CollectionMismatchException extends VectorStoreException {
    /** The {@link #what()} of a model fingerprint difference. */
    public static final String FINGERPRINT = "model fingerprint";

    private final String what;
    private final String existing;
    private final String requested;

    public CollectionMismatchException(String message) {
        this(message, null, null, null);
    }

    private CollectionMismatchException(String message, String what, String existing, String requested) {
        super(message);
        this.what = what;
        this.existing = existing;
        this.requested = requested;
    }

    /**
     * Builds the standard message naming both values; for {@code "model fingerprint"} it says instead which part
     * differs (model, model settings or image decoding) and what to call to fix it.
     */
    public static CollectionMismatchException of(String collection, String what, Object existing, Object requested) {
        String message = FINGERPRINT.equals(what)
                ? FingerprintDifference.explain(collection, String.valueOf(existing), String.valueOf(requested))
                : "Collection '" + collection + "' holds vectors with " + what + " " + existing + " but " + requested
                + " was requested; use another collection name or data directory, or remove the collection to "
                + "re-index with this model";
        return new CollectionMismatchException(message, what, String.valueOf(existing), String.valueOf(requested));
    }

    /** Which property differs, e.g. {@code "dimension"} or {@code "model fingerprint"}, when known. */
    public Optional<String> what() {
        return Optional.ofNullable(what);
    }

    /** The collection's stored value of {@link #what()}, when known. */
    public Optional<String> existing() {
        return Optional.ofNullable(existing);
    }

    /** The value that was asked for, when known. */
    public Optional<String> requested() {
        return Optional.ofNullable(requested);
    }
}
