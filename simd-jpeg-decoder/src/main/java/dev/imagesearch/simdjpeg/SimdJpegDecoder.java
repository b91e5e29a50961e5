package dev.imagesearch.simdjpeg;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_8;

import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.image.ScaledJpegDecoder;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A {@link ScaledJpegDecoder} on a SIMD build of libjpeg-turbo: OpenCV's {@code imdecode} from the org.bytedeco
 * presets ({@code IMREAD_REDUCED_COLOR_2/4/8} = DCT-domain scaling). The {@code opencv-decoder} module's OpenCV
 * build bundles libjpeg-turbo without SIMD; this one decodes the benchmark photos about 20 % faster
 * (docs/BENCHMARKS.md). Its name, {@value #NAME}, is part of an index's identity: an index built with it is opened
 * with it. JavaCPP extracts the native libraries once into its cache ({@code ~/.javacpp/cache} unless the system
 * property {@code org.bytedeco.javacpp.cachedir} says otherwise). Thread-safe: {@code imdecode} keeps no state
 * between calls.
 *
 * <pre>{@code
 * ImageSearch search = ImageSearch.builder().jpegDecoder(SimdJpegDecoder.load()).build();
 * }</pre>
 */
public final class SimdJpegDecoder implements ScaledJpegDecoder {

    /** The decoder's name in an index's decoding policy. */
    public static final String NAME = "opencv-simd";

    /** Bytes B, G, R read as one little-endian int are 0x..RRGGBB: one load per pixel. */
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final String version;

    private SimdJpegDecoder(String version) {
        this.version = version;
    }

    /**
     * Loads the native libraries (once per process) and returns the decoder.
     *
     * @throws IllegalStateException if they cannot be loaded on this platform (the module depends on the Linux
     *                               x86-64 natives only), with the reason
     */
    public static SimdJpegDecoder load() {
        try {
            Loader.load(opencv_imgcodecs.class);
            return new SimdJpegDecoder(opencv_core.CV_VERSION());
        } catch (LinkageError | RuntimeException e) {
            throw new IllegalStateException("Cannot load the org.bytedeco OpenCV natives for "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + " (this module ships"
                    + " the linux-x86_64 ones; add the classifier of this platform): " + e, e);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The OpenCV version of the loaded native library. */
    public String version() {
        return version;
    }

    @Override
    public BufferedImage decode(byte[] jpeg, int scale) throws ImageDecodeException {
        int flags = switch (scale) {
            case 1 -> IMREAD_COLOR;
            case 2 -> IMREAD_REDUCED_COLOR_2;
            case 4 -> IMREAD_REDUCED_COLOR_4;
            case 8 -> IMREAD_REDUCED_COLOR_8;
            default -> throw new IllegalArgumentException("scale must be 1, 2, 4 or 8, got " + scale);
        };
        // ImageDecoder applies the EXIF orientation itself, for every decoder alike
        try (BytePointer data = new BytePointer(jpeg);
             Mat encoded = new Mat(1, jpeg.length, opencv_core.CV_8UC1, data);
             Mat bgr = opencv_imgcodecs.imdecode(encoded, flags | IMREAD_IGNORE_ORIENTATION)) {
            if (bgr.empty() || bgr.type() != opencv_core.CV_8UC3) {
                throw new ImageDecodeException("OpenCV could not decode the JPEG");
            }
            return toRgb(bgr);
        }
    }

    /** Interleaved 8-bit BGR into a {@code TYPE_INT_RGB} image, row by row (rows may be padded). */
    private static BufferedImage toRgb(Mat bgr) {
        int w = bgr.cols();
        int h = bgr.rows();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] rgb = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        long step = bgr.step();
        BytePointer pixels = bgr.data();
        byte[] row = new byte[3 * w + 1]; // one spare byte: the last pixel's int load reads past its red
        for (int y = 0, p = 0; y < h; y++) {
            pixels.position(y * step).get(row, 0, 3 * w);
            for (int x = 0; x < w; x++, p++) {
                rgb[p] = (int) INT_LE.get(row, 3 * x) & 0xFFFFFF;
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "SimdJpegDecoder[OpenCV " + version + "]";
    }
}
