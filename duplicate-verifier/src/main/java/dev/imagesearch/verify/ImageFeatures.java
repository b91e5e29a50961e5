package dev.imagesearch.verify;

import dev.imagesearch.image.ImageDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfKeyPoint;
import org.opencv.core.Size;
import org.opencv.features2d.ORB;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * One image as the verifier sees it: grayscale, its longest side scaled to {@code side} pixels, and its ORB
 * keypoints and descriptors; those of its mirror image (a flipped copy is matched against the mirrored features)
 * are made the first time a pair needs them. Holds native memory until {@link #release()}. Not thread-safe: one
 * verifier thread makes, caches and uses it, with that thread's ORB.
 */
final class ImageFeatures {

    final Mat gray;
    final Side plain;
    private final ORB orb;
    private Mat mirrored;
    private Side flipped;

    /** Keypoint positions ({@code x0, y0, x1, y1, ...}) and their descriptors. */
    record Side(float[] points, Mat descriptors) {
        int count() {
            return points.length / 2;
        }
    }

    private ImageFeatures(Mat gray, Side plain, ORB orb) {
        this.gray = gray;
        this.plain = plain;
        this.orb = orb;
    }

    /** The mirror image (flipped left to right). */
    Mat mirrored() {
        if (mirrored == null) {
            Mat m = new Mat();
            Core.flip(gray, m, 1);
            mirrored = m;
        }
        return mirrored;
    }

    /** The keypoints and descriptors of the {@link #mirrored mirror image}. */
    Side flipped() {
        if (flipped == null) {
            flipped = describe(mirrored(), orb);
        }
        return flipped;
    }

    /**
     * Reads and describes an image file; null when it cannot be read or decoded (the pair is then left to the
     * score).
     */
    static ImageFeatures of(Path file, int side, ORB orb) {
        byte[] bytes;
        int longest;
        try {
            bytes = Files.readAllBytes(file);
            int[] wh = ImageDecoder.dimensions(bytes);
            longest = Math.max(wh[0], wh[1]);
        } catch (IOException | RuntimeException e) { // ImageDecodeException included
            return null;
        }
        // decode at the smallest DCT scale that still gives `side` pixels (a 12 MP JPEG at 1/8): same look, far less work
        int flags = longest >= 8 * side ? Imgcodecs.IMREAD_REDUCED_GRAYSCALE_8
                : longest >= 4 * side ? Imgcodecs.IMREAD_REDUCED_GRAYSCALE_4
                : longest >= 2 * side ? Imgcodecs.IMREAD_REDUCED_GRAYSCALE_2 : Imgcodecs.IMREAD_GRAYSCALE;
        MatOfByte encoded = new MatOfByte(bytes);
        Mat decoded = Imgcodecs.imdecode(encoded, flags);
        encoded.release();
        if (decoded.empty()) {
            decoded.release();
            return null;
        }
        double scale = (double) side / Math.max(decoded.cols(), decoded.rows());
        Mat gray = new Mat();
        try {
            Imgproc.resize(decoded, gray, new Size(Math.max(1, Math.round(decoded.cols() * scale)),
                    Math.max(1, Math.round(decoded.rows() * scale))), 0, 0,
                    scale < 1 ? Imgproc.INTER_AREA : Imgproc.INTER_LINEAR);
            return new ImageFeatures(gray, describe(gray, orb), orb);
        } catch (RuntimeException e) { // native memory is not the GC's: free it before giving up on the image
            gray.release();
            throw e;
        } finally {
            decoded.release();
        }
    }

    private static Side describe(Mat image, ORB orb) {
        MatOfKeyPoint keypoints = new MatOfKeyPoint();
        Mat descriptors = new Mat();
        Mat everywhere = new Mat(); // no mask
        org.opencv.core.KeyPoint[] kps;
        try {
            orb.detectAndCompute(image, everywhere, keypoints, descriptors);
            kps = keypoints.toArray();
        } catch (RuntimeException e) {
            descriptors.release();
            throw e;
        } finally {
            everywhere.release();
            keypoints.release();
        }
        float[] points = new float[kps.length * 2];
        for (int i = 0; i < kps.length; i++) {
            points[2 * i] = (float) kps[i].pt.x;
            points[2 * i + 1] = (float) kps[i].pt.y;
        }
        return new Side(points, descriptors);
    }

    void release() {
        gray.release();
        plain.descriptors().release();
        if (mirrored != null) {
            mirrored.release();
        }
        if (flipped != null) {
            flipped.descriptors().release();
        }
    }
}
