package dev.imagesearch.opencv;

import dev.imagesearch.image.ImageDecodeException;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Loading OpenCV's native library, and its decoded images into Java ones: what both decoders share. {@link #load()}
 * is public for the other modules that use this OpenCV (the duplicate verifier).
 */
public final class OpenCvNative {

    private OpenCvNative() {
    }

    /**
     * Loads the native library from the {@code org.openpnp:opencv} jar (once per process; later calls return at once)
     * and returns its version.
     *
     * @throws IllegalStateException if it cannot be loaded on this platform, with the reason
     */
    public static String load() {
        try {
            nu.pattern.OpenCV.loadLocally();
            return Core.getVersionString(); // a first native call proves that the library really loaded
        } catch (LinkageError | RuntimeException e) {
            Throwable root = e;
            for (int depth = 0; depth < 16 && root.getCause() != null; depth++) { // bounded: causes may cycle
                root = root.getCause();
            }
            String why = root == e ? e.toString() : e.getClass().getSimpleName() + " caused by " + root;
            throw new IllegalStateException("Cannot load OpenCV's native library for " + System.getProperty("os.name")
                    + "/" + System.getProperty("os.arch") + ": " + why, e);
        }
    }

    /**
     * {@code imdecode} of {@code encoded} with {@code flags} (which must give 8-bit BGR), then {@link #toRgb} with
     * {@code step}; native memory is freed before returning.
     *
     * @throws ImageDecodeException "OpenCV could not decode the {@code format}" when OpenCV returns no such image
     */
    static BufferedImage decode(byte[] encoded, int flags, int step, String format) throws ImageDecodeException {
        MatOfByte bytes = new MatOfByte(encoded);
        Mat bgr = null;
        try {
            bgr = Imgcodecs.imdecode(bytes, flags);
            if (bgr.empty() || bgr.type() != CvType.CV_8UC3) {
                throw new ImageDecodeException("OpenCV could not decode the " + format);
            }
            return toRgb(bgr, step);
        } finally {
            bytes.release(); // native memory: free now rather than at the next GC
            if (bgr != null) {
                bgr.release();
            }
        }
    }

    /**
     * Interleaved 8-bit BGR into a {@code TYPE_INT_RGB} image, taking every {@code step}-th pixel of every
     * {@code step}-th row from {@code step / 2} on (ImageIO's source subsampling with that offset; 1 = all).
     */
    static BufferedImage toRgb(Mat bgr, int step) {
        if (step == 1 && bgr.isContinuous()) {
            return toRgbWhole(bgr);
        }
        int off = step / 2;
        int w = (bgr.cols() - off + step - 1) / step;
        int h = (bgr.rows() - off + step - 1) / step;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] rgb = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        byte[] row = new byte[bgr.cols() * 3];
        for (int y = 0, p = 0; y < h; y++) {
            bgr.get(off + y * step, 0, row); // row by row: one copy of the whole image would double the peak memory
            for (int x = 0, q = off * 3; x < w; x++, p++, q += 3 * step) {
                rgb[p] = ((row[q + 2] & 0xFF) << 16) | ((row[q + 1] & 0xFF) << 8) | (row[q] & 0xFF);
            }
        }
        return out;
    }

    /** Bytes B, G, R read as one little-endian int are 0x..RRGGBB: one load per pixel instead of three. */
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** About 1 MiB of BGR bytes per copy out of native memory: few JNI calls, no second copy of a large image. */
    private static final int STRIP_BYTES = 1 << 20;

    /** {@link #toRgb} of every pixel of a continuous Mat: copies strips of rows, then one int load per pixel. */
    private static BufferedImage toRgbWhole(Mat bgr) {
        int w = bgr.cols();
        int h = bgr.rows();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] rgb = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        int rowBytes = 3 * w;
        int stripRows = Math.max(1, Math.min(h, STRIP_BYTES / rowBytes));
        // one spare pixel: the last pixel's int load reads one byte past its red (Mat.get wants whole pixels)
        byte[] strip = new byte[(stripRows * w + 1) * 3];
        for (int y = 0; y < h; y += stripRows) {
            bgr.get(y, 0, strip); // copies what is left of the Mat when that is less than the array
            int n = Math.min(stripRows, h - y) * w;
            for (int i = 0, p = y * w; i < n; i++, p++) {
                rgb[p] = (int) INT_LE.get(strip, 3 * i) & 0xFFFFFF;
            }
        }
        return out;
    }
}
