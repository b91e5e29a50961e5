package dev.imagesearch.opencv;

import dev.imagesearch.image.ImageDecodeException;
import java.awt.image.BufferedImage;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * What the OpenCV decoders share: the loaded native library's version, the decoder name {@code opencv}, and one
 * {@code imdecode} call into 8-bit RGB. Each subclass only maps its own decode options to {@code imdecode} flags.
 * Thread-safe: {@code imdecode} keeps no state between calls.
 */
public abstract sealed class OpenCvDecoder permits OpenCvJpegDecoder, OpenCvPngDecoder {

    private final String version;

    OpenCvDecoder() {
        this.version = OpenCvNative.load();
    }

    /** The OpenCV version of the loaded native library. */
    public final String version() {
        return version;
    }

    /** {@code opencv}, for every OpenCV decoder alike. */
    public final String name() {
        return "opencv";
    }

    /**
     * Decodes with {@code flags} (plus {@code IMREAD_IGNORE_ORIENTATION}: ImageDecoder applies the EXIF
     * orientation itself, for every decoder alike), keeping every {@code step}-th pixel.
     */
    final BufferedImage imdecode(byte[] encoded, int flags, int step, String format) throws ImageDecodeException {
        return OpenCvNative.decode(encoded, flags | Imgcodecs.IMREAD_IGNORE_ORIENTATION, step, format);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[OpenCV " + version + "]";
    }
}
