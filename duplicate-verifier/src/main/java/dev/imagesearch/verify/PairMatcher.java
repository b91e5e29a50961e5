package dev.imagesearch.verify;

import dev.imagesearch.duplicates.PairVerifier.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.opencv.calib3d.Calib3d;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.DMatch;
import org.opencv.core.Mat;
import org.opencv.core.MatOfDMatch;
import org.opencv.core.MatOfPoint2f;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.features2d.BFMatcher;
import org.opencv.imgproc.Imgproc;

/**
 * The check of one pair: ORB descriptors matched (ratio test), a similarity transform (rotation, uniform scale,
 * translation) fitted with RANSAC, against the second image and its mirror image; the first image warped onto the
 * second by the best transform, and the correlation of their pixels where both are defined. A copy (crop, rescale,
 * rotation, flip, JPEG, colour, a caption) lines up and correlates; another photo of the same kind of subject or of
 * the same scene does not. Not thread-safe (one per thread).
 */
final class PairMatcher {

    private static final double RATIO = 0.8;
    private static final double RANSAC_PIXELS = 8.0;
    private static final double MIN_OVERLAP = 0.1;

    private final GeometricVerifier.Settings settings;
    private final BFMatcher matcher = BFMatcher.create(Core.NORM_HAMMING, false);

    PairMatcher(GeometricVerifier.Settings settings) {
        this.settings = settings;
    }

    Verdict check(ImageFeatures a, ImageFeatures b) {
        if (a == null || b == null || a.plain.count() < settings.minKeypoints()
                || b.plain.count() < settings.minKeypoints()) {
            return Verdict.UNKNOWN; // textureless or unreadable: the score decides
        }
        int bestInliers = 0;
        Mat best = null;
        boolean bestMirrored = false;
        for (boolean mirrored : new boolean[] {false, true}) {
            ImageFeatures.Side sb = mirrored ? b.flipped : b.plain;
            Mat inliers = new Mat();
            Mat t = fit(a.plain, sb, inliers);
            if (t != null) {
                int n = Core.countNonZero(inliers);
                if (n > bestInliers) {
                    if (best != null) {
                        best.release();
                    }
                    best = t;
                    bestInliers = n;
                    bestMirrored = mirrored;
                } else {
                    t.release();
                }
            }
            inliers.release();
        }
        if (best == null || bestInliers < settings.minInliers()) {
            if (best != null) {
                best.release();
            }
            return Verdict.DIFFERENT;
        }
        double r = aligned(a.gray, bestMirrored ? b.mirrored : b.gray, best);
        best.release();
        return r >= settings.minCorrelation() ? Verdict.SAME : Verdict.DIFFERENT;
    }

    /** The similarity transform from {@code a}'s keypoints to {@code b}'s, or null when too few matches. */
    private Mat fit(ImageFeatures.Side a, ImageFeatures.Side b, Mat inliers) {
        if (a.count() < 2 || b.count() < 2) {
            return null;
        }
        List<MatOfDMatch> knn = new ArrayList<>();
        matcher.knnMatch(a.descriptors(), b.descriptors(), knn, 2);
        List<Point> from = new ArrayList<>();
        List<Point> to = new ArrayList<>();
        for (MatOfDMatch m : knn) {
            DMatch[] d = m.toArray();
            m.release();
            if (d.length == 2 && d[0].distance < RATIO * d[1].distance) {
                from.add(new Point(a.points()[2 * d[0].queryIdx], a.points()[2 * d[0].queryIdx + 1]));
                to.add(new Point(b.points()[2 * d[0].trainIdx], b.points()[2 * d[0].trainIdx + 1]));
            }
        }
        if (from.size() < 5) {
            return null;
        }
        MatOfPoint2f f = new MatOfPoint2f(from.toArray(new Point[0]));
        MatOfPoint2f t = new MatOfPoint2f(to.toArray(new Point[0]));
        Mat m = Calib3d.estimateAffinePartial2D(f, t, inliers, Calib3d.RANSAC, RANSAC_PIXELS);
        f.release();
        t.release();
        if (m.empty()) {
            m.release();
            return null;
        }
        return m;
    }

    /**
     * Pearson correlation of {@code b}'s pixels and {@code a}'s warped onto them by {@code t}, over the pixels both
     * cover; -1 when they overlap on less than a tenth of {@code b}.
     */
    /**
     * The correlation of the two images aligned by {@code t} (from {@code a} to {@code b}), the larger of the two
     * (once scaled by {@code t}) warped onto the smaller: a tight crop is then compared over the whole of itself,
     * whichever of the two comes first. A transform that scales areas by more than 64 is no edit (-1).
     */
    static double aligned(Mat a, Mat b, Mat t) {
        double[] m = new double[6];
        t.get(0, 0, m);
        double area = Math.abs(m[0] * m[4] - m[1] * m[3]);
        if (area < 1.0 / 64 || area > 64) {
            return -1;
        }
        if (a.total() * area >= b.total()) {
            return correlation(a, b, t); // a, scaled by t, is at least b's size: it covers more of b than b of a
        }
        Mat inverse = new Mat();
        Imgproc.invertAffineTransform(t, inverse);
        try {
            return correlation(b, a, inverse);
        } finally {
            inverse.release();
        }
    }

    static double correlation(Mat a, Mat b, Mat t) {
        Mat warped = new Mat();
        Mat cover = new Mat();
        Mat ones = new Mat(a.size(), CvType.CV_8UC1, new Scalar(1));
        Imgproc.warpAffine(a, warped, t, b.size(), Imgproc.INTER_LINEAR, Core.BORDER_CONSTANT, new Scalar(0));
        Imgproc.warpAffine(ones, cover, t, b.size(), Imgproc.INTER_NEAREST, Core.BORDER_CONSTANT, new Scalar(0));
        int n = (int) b.total();
        byte[] x = new byte[n];
        byte[] y = new byte[n];
        byte[] in = new byte[n];
        warped.get(0, 0, x);
        b.get(0, 0, y);
        cover.get(0, 0, in);
        warped.release();
        cover.release();
        ones.release();
        long count = 0;
        double sx = 0;
        double sy = 0;
        for (int i = 0; i < n; i++) {
            if (in[i] != 0) {
                count++;
                sx += x[i] & 0xFF;
                sy += y[i] & 0xFF;
            }
        }
        if (count < MIN_OVERLAP * n) {
            return -1;
        }
        double mx = sx / count;
        double my = sy / count;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            if (in[i] != 0) {
                double dx = (x[i] & 0xFF) - mx;
                double dy = (y[i] & 0xFF) - my;
                sxy += dx * dy;
                sxx += dx * dx;
                syy += dy * dy;
            }
        }
        return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : -1;
    }
}
