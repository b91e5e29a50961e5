package dev.imagesearch.store;

import java.util.Objects;

/**
 * The identity of the vectors of a collection: the embedder's fingerprint (for ONNX models
 * {@code name@sha256:HEX;output=..;pooling=..;l2=..;pre1:...}) and the {@link DecodingPolicy}. Stores keep and
 * compare its {@link #value()}, the string {@code MODEL[;SETTING...][;decode=POLICY]} that every index has held so
 * far; this type only reads that string into its parts at the boundary, so the on-disk format is unchanged.
 */
public final class ModelFingerprint {

    static final String DECODE = ";decode=";

    private final String value;
    private final String model;
    private final DecodingPolicy decoding;

    private ModelFingerprint(String value, String model, DecodingPolicy decoding) {
        this.value = value;
        this.model = model;
        this.decoding = decoding;
    }

    /** The fingerprint of vectors made by an embedder (its {@code fingerprint()}) under a decoding policy. */
    public static ModelFingerprint of(String embedderFingerprint, DecodingPolicy decoding) {
        Objects.requireNonNull(embedderFingerprint, "embedderFingerprint");
        Objects.requireNonNull(decoding, "decoding");
        return new ModelFingerprint(embedderFingerprint + decoding.suffix(), embedderFingerprint, decoding);
    }

    /** Reads a stored fingerprint string (as {@link CollectionSpec#fingerprint()} holds it). */
    public static ModelFingerprint parse(String value) {
        Objects.requireNonNull(value, "value");
        int d = value.lastIndexOf(DECODE);
        return d < 0 ? new ModelFingerprint(value, value, DecodingPolicy.FULL)
                : new ModelFingerprint(value, value.substring(0, d),
                        DecodingPolicy.parse(value.substring(d + DECODE.length())));
    }

    /** The string stores keep and compare. */
    public String value() {
        return value;
    }

    /** The embedder's part: everything before {@code ;decode=}. */
    public String embedder() {
        return model;
    }

    /** The model's identity: the embedder's part up to its first {@code ;}, e.g. {@code name@sha256:HEX}. */
    public String modelIdentity() {
        int semi = model.indexOf(';');
        return semi < 0 ? model : model.substring(0, semi);
    }

    /** The model's name: {@link #modelIdentity()} before any {@code @}. */
    public String modelName() {
        String id = modelIdentity();
        int at = id.indexOf('@');
        return at < 0 ? id : id.substring(0, at);
    }

    /** The model file's hash ({@code sha256:HEX}), or {@code ""} when the identity has none. */
    public String modelHash() {
        String id = modelIdentity();
        int at = id.indexOf('@');
        return at < 0 ? "" : id.substring(at + 1);
    }

    /** The embedder's settings after its identity ({@code output=..;pooling=..;...}), or {@code ""}. */
    public String settings() {
        int semi = model.indexOf(';');
        return semi < 0 ? "" : model.substring(semi + 1);
    }

    public DecodingPolicy decoding() {
        return decoding;
    }

    /** This fingerprint with another decoding policy. */
    public ModelFingerprint withDecoding(DecodingPolicy other) {
        return of(model, other);
    }

    /** Which part differs from {@code other}, or {@code null} when they are equal. */
    public CollectionMismatchException.Setting differenceTo(ModelFingerprint other) {
        if (!modelIdentity().equals(other.modelIdentity())) {
            return CollectionMismatchException.Setting.MODEL;
        }
        if (!settings().equals(other.settings())) {
            return CollectionMismatchException.Setting.MODEL_SETTINGS;
        }
        if (!decoding.equals(other.decoding)) {
            return CollectionMismatchException.Setting.DECODING;
        }
        return value.equals(other.value) ? null : CollectionMismatchException.Setting.MODEL;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelFingerprint f && f.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
