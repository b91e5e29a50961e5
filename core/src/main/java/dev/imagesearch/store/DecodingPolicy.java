package dev.imagesearch.store;

import java.util.Objects;

/**
 * How the images of a collection were decoded, as far as it changes their vectors: at a reduced resolution or in
 * full, and with which DCT-scaling JPEG decoder (empty: ImageIO). Part of a {@link ModelFingerprint}; on disk it is
 * the fingerprint's suffix {@code ;decode=reduced}, {@code ;decode=reduced+jpeg=NAME}, {@code ;decode=jpeg=NAME},
 * or nothing for full ImageIO decoding (the format of every index written so far).
 *
 * @param reduced     whether large images may be decoded at a reduced resolution
 * @param jpegDecoder the JPEG decoder's name ({@code ScaledJpegDecoder.name()}), or {@code ""} for ImageIO
 */
public record DecodingPolicy(boolean reduced, String jpegDecoder) {

    /** Full-size decoding with ImageIO: no suffix at all. */
    public static final DecodingPolicy FULL = new DecodingPolicy(false, "");

    private static final String JPEG = "jpeg=";

    public DecodingPolicy {
        jpegDecoder = Objects.requireNonNullElse(jpegDecoder, "");
    }

    /** The policy for {@code reduced} decoding with the named JPEG decoder ({@code null}: ImageIO). */
    public static DecodingPolicy of(boolean reduced, String jpegDecoder) {
        return new DecodingPolicy(reduced, jpegDecoder);
    }

    /**
     * Reads the part after {@code decode=}: {@code reduced}, {@code reduced+jpeg=NAME}, {@code jpeg=NAME}, or
     * {@code ""}.
     */
    public static DecodingPolicy parse(String value) {
        int jpeg = value.indexOf(JPEG);
        return new DecodingPolicy(value.startsWith("reduced"), jpeg < 0 ? "" : value.substring(jpeg + JPEG.length()));
    }

    /** Whether JPEGs go through ImageIO. */
    public boolean imageIo() {
        return jpegDecoder.isEmpty();
    }

    /** The part after {@code decode=}, {@code ""} for {@link #FULL}. */
    public String value() {
        String jpeg = imageIo() ? "" : JPEG + jpegDecoder;
        return reduced ? (jpeg.isEmpty() ? "reduced" : "reduced+" + jpeg) : jpeg;
    }

    /** What the fingerprint carries: {@code ";decode=" + value()}, or {@code ""} for {@link #FULL}. */
    public String suffix() {
        String v = value();
        return v.isEmpty() ? "" : ModelFingerprint.DECODE + v;
    }

    /** In words, e.g. "reduced JPEG decoding with the 'opencv' JPEG decoder". */
    public String describe() {
        String size = reduced ? "reduced JPEG decoding" : "full decoding";
        return imageIo() ? size + " (ImageIO)" : size + " with the '" + jpegDecoder + "' JPEG decoder";
    }

    @Override
    public String toString() {
        return value().isEmpty() ? "(none)" : "decode=" + value();
    }
}
