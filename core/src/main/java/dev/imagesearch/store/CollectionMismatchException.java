package dev.imagesearch.store;

import java.util.Locale;
import java.util.Optional;

/**
 * An existing collection was made for another model: its dimension, metric or model fingerprint differs from
 * what the caller asked for. Nothing was written. {@link #setting()} says which setting differs, {@link #existing()}
 * and {@link #requested()} both values, and for a fingerprint {@link #existingFingerprint()} and
 * {@link #requestedFingerprint()} both fingerprints read into their parts, for callers that can adapt (e.g. open
 * with the stored settings).
 */
public class CollectionMismatchException extends VectorStoreException {
    /** The {@link #what()} of a model fingerprint difference. */
    public static final String FINGERPRINT = "model fingerprint";

    /** The setting in which a collection and a request differ. */
    public enum Setting {
        DIMENSION, METRIC, SCHEMA,
        /** Another model, or another version (file) of it. */
        MODEL,
        /** The same model with other settings (output, pooling, preprocessing, ...). */
        MODEL_SETTINGS,
        /** The same model and settings, with another {@link DecodingPolicy}. */
        DECODING,
        /** Something else a backend checks. */
        OTHER;

        /** {@code "dimension"}, {@code "model settings"}, ... */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    private final String what;
    private final String existing;
    private final String requested;
    private final Setting setting;
    private final ModelFingerprint existingFingerprint;
    private final ModelFingerprint requestedFingerprint;

    public CollectionMismatchException(String message) {
        this(message, null, null, null, null, null, null);
    }

    private CollectionMismatchException(String message, String what, String existing, String requested,
                                        Setting setting, ModelFingerprint existingFingerprint,
                                        ModelFingerprint requestedFingerprint) {
        super(message);
        this.what = what;
        this.existing = existing;
        this.requested = requested;
        this.setting = setting;
        this.existingFingerprint = existingFingerprint;
        this.requestedFingerprint = requestedFingerprint;
    }

    /**
     * Builds the standard message naming both values; for {@code "model fingerprint"} (values as stored, optionally
     * in single quotes) it says instead which part differs (model, model settings or image decoding) and what to
     * call to fix it.
     */
    public static CollectionMismatchException of(String collection, String what, Object existing, Object requested) {
        if (FINGERPRINT.equals(what)) {
            return of(collection, ModelFingerprint.parse(unquote(String.valueOf(existing))),
                    ModelFingerprint.parse(unquote(String.valueOf(requested))));
        }
        String message = "Collection '" + collection + "' holds vectors with " + what + " " + existing + " but "
                + requested + " was requested; use another collection name or data directory, or remove the "
                + "collection to re-index with this model";
        return new CollectionMismatchException(message, what, String.valueOf(existing), String.valueOf(requested),
                settingOf(what), null, null);
    }

    /** A fingerprint mismatch: the message names the part that differs and how to fix it. */
    public static CollectionMismatchException of(String collection, ModelFingerprint existing,
                                                 ModelFingerprint requested) {
        Setting differs = existing.differenceTo(requested);
        return new CollectionMismatchException(FingerprintDifference.explain(collection, existing, requested),
                FINGERPRINT, "'" + existing.value() + "'", "'" + requested.value() + "'",
                differs == null ? Setting.MODEL : differs, existing, requested);
    }

    private static Setting settingOf(String what) {
        for (Setting s : Setting.values()) {
            if (s.label().equals(what)) {
                return s;
            }
        }
        return Setting.OTHER;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("'") && s.endsWith("'") ? s.substring(1, s.length() - 1) : s;
    }

    /** Which property differs, e.g. {@code "dimension"} or {@code "model fingerprint"}, when known. */
    public Optional<String> what() {
        return Optional.ofNullable(what);
    }

    /** Which setting differs, when known (for a fingerprint: which part of it). */
    public Optional<Setting> setting() {
        return Optional.ofNullable(setting);
    }

    /** The collection's stored value of {@link #what()}, when known (a fingerprint in single quotes). */
    public Optional<String> existing() {
        return Optional.ofNullable(existing);
    }

    /** The value that was asked for, when known (a fingerprint in single quotes). */
    public Optional<String> requested() {
        return Optional.ofNullable(requested);
    }

    /** The collection's fingerprint, for a fingerprint mismatch. */
    public Optional<ModelFingerprint> existingFingerprint() {
        return Optional.ofNullable(existingFingerprint);
    }

    /** The requested fingerprint, for a fingerprint mismatch. */
    public Optional<ModelFingerprint> requestedFingerprint() {
        return Optional.ofNullable(requestedFingerprint);
    }
}
