package dev.imagesearch.image;

import java.awt.image.BufferedImage;

/**
 * A JPEG decoder that can shrink an image while decoding it, by 1/2, 1/4 or 1/8 in the DCT domain (libjpeg's
 * {@code scale_denom}, what Pillow's {@code draft} mode uses). Reading a 12-megapixel photo at 1/8 skips most of
 * the inverse DCT and colour conversion work, and, unlike ImageIO's source subsampling, each output pixel is the
 * average of its block, so little detail is aliased.
 *
 * <p>{@link ImageDecoder} calls it only for 8-bit, 1- or 3-component JPEGs whose size it has already checked
 * against its {@link ImageLimits}, and applies the EXIF orientation itself. Where an implementation cannot decode
 * a file it throws {@link ImageDecodeException}; the decoder then retries with ImageIO, whose message reaches the
 * caller. Implementations must be thread-safe. The {@code opencv-decoder} module provides one.
 */
public interface ScaledJpegDecoder {

    /** A short, stable name (for logs and messages), e.g. {@code "opencv"}. */
    String name();

    /**
     * Decodes {@code jpeg} at 1/{@code scale} of its size, rounding up as libjpeg does ({@code ceil(w / scale)}).
     * Colour as Pillow's {@code convert("RGB")}: YCbCr to RGB without colour management (embedded ICC profiles
     * ignored), gray copied into the three channels.
     *
     * @param scale 1, 2, 4 or 8
     * @return a {@code TYPE_INT_RGB} image, not yet turned by its EXIF orientation
     * @throws ImageDecodeException if the bytes cannot be decoded
     */
    BufferedImage decode(byte[] jpeg, int scale) throws ImageDecodeException;
}
