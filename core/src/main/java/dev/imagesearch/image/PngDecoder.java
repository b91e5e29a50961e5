package dev.imagesearch.image;

import java.awt.image.BufferedImage;

/**
 * A faster decoder for plain PNGs (ImageIO's PNG reader filters the rows in Java and costs about 1.5 × libpng).
 * Its contract is ImageIO's pixels exactly, so that swapping it in or out never changes a vector and it is not part
 * of any collection's fingerprint.
 *
 * <p>{@link ImageDecoder} calls it only for well-formed, intact PNGs of at most 8 bits per sample without an
 * embedded ICC profile ({@code iCCP}), whose size it has already checked against its {@link ImageLimits}; 16-bit,
 * ICC-tagged, damaged and malformed PNGs stay with ImageIO. Where an implementation cannot decode a file it
 * throws {@link ImageDecodeException}; the decoder then retries with ImageIO, whose message reaches the caller.
 * Implementations must be thread-safe. The {@code opencv-decoder} module provides one.
 */
public interface PngDecoder {

    /** A short, stable name (for logs and messages), e.g. {@code "opencv"}. */
    String name();

    /**
     * Decodes {@code png} as ImageIO would with source subsampling {@code step} in both directions, starting at
     * pixel {@code step / 2}: the output is {@code ceil((w - step / 2) / step)} wide (likewise high) and holds source
     * pixel {@code (step / 2 + x * step, step / 2 + y * step)}. Colour as ImageIO and Pillow's
     * {@code convert("RGB")}: alpha dropped (not composited), gray copied into the three channels (1-, 2- and 4-bit
     * gray scaled to 0–255), palette entries expanded, gamma ({@code gAMA}) ignored.
     *
     * @param step 1 (every pixel) or more
     * @return a {@code TYPE_INT_RGB} image
     * @throws ImageDecodeException if the bytes cannot be decoded (corrupt or truncated)
     */
    BufferedImage decode(byte[] png, int step) throws ImageDecodeException;
}
