package dev.imagesearch.opencv;

import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.image.ScaledJpegDecoder;
import java.awt.image.BufferedImage;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * A {@link ScaledJpegDecoder} on OpenCV's {@code imdecode}, whose JPEG codec is libjpeg-turbo
 * ({@code IMREAD_REDUCED_COLOR_2/4/8} = DCT-domain scaling). The native library comes from the
 * {@code org.openpnp:opencv} jar (Linux, macOS and Windows builds inside), which extracts and loads it once per
 * process; that build's libjpeg-turbo has no SIMD (its {@code getBuildInformation}), which the optional
 * {@code simd-jpeg-decoder} module's decoder has. Thread-safe: {@code imdecode} keeps no state between calls.
 *
 * <pre>{@code
 * ImageSearch search = ImageSearch.builder()
 *         .embedder(embedder)
 *         .jpegDecoder(OpenCvJpegDecoder.load())
 *         .build();
 * }</pre>
 */
public final class OpenCvJpegDecoder extends OpenCvDecoder implements ScaledJpegDecoder {

    private OpenCvJpegDecoder() {
    }

    /**
     * Loads OpenCV's native library (once per process; later calls return at once) and returns the decoder.
     *
     * @throws IllegalStateException if the native library cannot be loaded on this platform, with the reason
     */
    public static OpenCvJpegDecoder load() {
        return new OpenCvJpegDecoder();
    }

    @Override
    public BufferedImage decode(byte[] jpeg, int scale) throws ImageDecodeException {
        int flags = switch (scale) {
            case 1 -> Imgcodecs.IMREAD_COLOR;
            case 2 -> Imgcodecs.IMREAD_REDUCED_COLOR_2;
            case 4 -> Imgcodecs.IMREAD_REDUCED_COLOR_4;
            case 8 -> Imgcodecs.IMREAD_REDUCED_COLOR_8;
            default -> throw new IllegalArgumentException("scale must be 1, 2, 4 or 8, got " + scale);
        };
        return imdecode(jpeg, flags, 1, "JPEG");
    }
}
