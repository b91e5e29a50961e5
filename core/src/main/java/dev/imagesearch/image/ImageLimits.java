package dev.imagesearch.image;

/**
 * Bounds that keep one bad or huge file from exhausting memory. Checked before decoding, from the file size and
 * the image header.
 *
 * @param maxFileBytes largest file accepted; default 128 MiB
 * @param maxPixels    largest width × height accepted; default 80 megapixels (a decoded image then takes at
 *                     most 320 MB of heap)
 * @param maxSide      largest width or height accepted; default 30,000
 */
public record ImageLimits(long maxFileBytes, long maxPixels, int maxSide) {

    public static final ImageLimits DEFAULT = new ImageLimits(128L << 20, 80_000_000L, 30_000);

    public ImageLimits {
        if (maxFileBytes <= 0 || maxPixels <= 0 || maxSide <= 0) {
            throw new IllegalArgumentException("Image limits must be positive");
        }
        if (maxFileBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("maxFileBytes must be below 2 GiB");
        }
    }

    public ImageLimits withMaxPixels(long pixels) {
        return new ImageLimits(maxFileBytes, pixels, maxSide);
    }

    public ImageLimits withMaxFileBytes(long bytes) {
        return new ImageLimits(bytes, maxPixels, maxSide);
    }

    public ImageLimits withMaxSide(int side) {
        return new ImageLimits(maxFileBytes, maxPixels, side);
    }

    /** Checks a decoded size against these limits, with a message that says how to raise them. */
    void check(int w, int h) throws ImageDecodeException {
        if (w <= 0 || h <= 0) {
            throw new ImageDecodeException("invalid image size " + w + "x" + h);
        }
        if (w > maxSide() || h > maxSide() || (long) w * h > maxPixels()) {
            throw new ImageDecodeException("image is " + w + "x" + h + " (" + ((long) w * h)
                    + " pixels), above the limit of " + maxPixels() + " pixels / "
                    + maxSide() + " per side; raise ImageLimits to accept it");
        }
    }
}
