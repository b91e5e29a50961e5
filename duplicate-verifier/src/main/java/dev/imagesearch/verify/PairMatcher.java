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

    /**
     * The plain orientation first: when it lines up and correlates, the pair is the same picture and the mirrored
     * match is skipped (even if the mirror image would fit with more inliers: a near-symmetric picture). Otherwise
     * the orientation with more inliers is the one whose alignment is judged.
     */
    Verdict check(ImageFeatures a, ImageFeatures b) {
        if (a == null || b == null || a.plain.count() < settings.minKeypoints()
                || b.plain.count() < settings.minKeypoints()) {
            return Verdict.UNKNOWN; // textureless or unreadable: the score decides
        }
        Fit plain = fit(a.plain, b.plain);
        double plainCorrelation = -1;
        try {
            if (plain.inliers() >= settings.minInliers()) {
                plainCorrelation = aligned(a.gray, b.gray, plain.transform());
                if (plainCorrelation >= settings.minCorrelation()) {
                    return Verdict.SAME;
                }
            }
        } finally {
            plain.release();
        }
        Fit mirrored = fit(a.plain, b.flipped());
        try {
            if (Math.max(plain.inliers(), mirrored.inliers()) < settings.minInliers()) {
                return Verdict.DIFFERENT;
            }
            if (mirrored.inliers() <= plain.inliers()) {
                return Verdict.DIFFERENT; // the plain orientation fits best, and does not correlate
            }
            double r = aligned(a.gray, b.mirrored(), mirrored.transform());
            return r >= settings.minCorrelation() ? Verdict.SAME : Verdict.DIFFERENT;
        } finally {
            mirrored.release();
        }
    }

    /** A fitted transform (null: none) and its RANSAC inlier count. */
    private record Fit(Mat transform, int inliers) {
        static final Fit NONE = new Fit(null, 0);

        void release() {
            if (transform != null) {
                transform.release();
            }
        }
    }

    /** The similarity transform from {@code a}'s keypoints to {@code b}'s, {@link Fit#NONE} when too few matches. */
    private Fit fit(ImageFeatures.Side a, ImageFeatures.Side b) {
        if (a.count() < 2 || b.count() < 2) {
            return Fit.NONE;
        }
        List<MatOfDMatch> knn = new ArrayList<>();
        List<Point> from = new ArrayList<>();
        List<Point> to = new ArrayList<>();
        try {
            matcher.knnMatch(a.descriptors(), b.descriptors(), knn, 2);
            for (MatOfDMatch m : knn) {
                DMatch[] d = m.toArray();
                if (d.length == 2 && d[0].distance < RATIO * d[1].distance) {
                    from.add(new Point(a.points()[2 * d[0].queryIdx], a.points()[2 * d[0].queryIdx + 1]));
                    to.add(new Point(b.points()[2 * d[0].trainIdx], b.points()[2 * d[0].trainIdx + 1]));
                }
            }
        } finally {
            knn.forEach(Mat::release);
        }
        if (from.size() < 5) {
            return Fit.NONE;
        }
        MatOfPoint2f f = new MatOfPoint2f(from.toArray(new Point[0]));
        MatOfPoint2f t = new MatOfPoint2f(to.toArray(new Point[0]));
        Mat inliers = new Mat();
        Mat m = null;
        try {
            m = Calib3d.estimateAffinePartial2D(f, t, inliers, Calib3d.RANSAC, RANSAC_PIXELS);
            if (m.empty()) {
                m.release();
                return Fit.NONE;
            }
            return new Fit(m, Core.countNonZero(inliers));
        } catch (RuntimeException e) {
            if (m != null) {
                m.release();
            }
            throw e;
        } finally {
            f.release();
            t.release();
            inliers.release();
        }
    }

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

    /**
     * Pearson correlation of {@code b}'s pixels and {@code a}'s warped onto them by {@code t}, over the pixels both
     * cover; -1 when they overlap on less than a tenth of {@code b}. One pass, exact integer sums.
     */
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
        // bytes summed in longs: exact for any image below 2^31 pixels (255^2 * 2^31 < 2^63)
        long count = 0;
        long sx = 0;
        long sy = 0;
        long sxx = 0;
        long syy = 0;
        long sxy = 0;
        for (int i = 0; i < n; i++) {
            if (in[i] != 0) {
                int xi = x[i] & 0xFF;
                int yi = y[i] & 0xFF;
                count++;
                sx += xi;
                sy += yi;
                sxx += xi * xi;
                syy += yi * yi;
                sxy += xi * yi;
            }
        }
        if (count < MIN_OVERLAP * n) {
            return -1;
        }
        // count² × (co)variances in doubles: exact below 2^53, i.e. up to 512 × 512 pixels (the default side)
        double cxy = (double) count * sxy - (double) sx * sy;
        double cxx = (double) count * sxx - (double) sx * sx;
        double cyy = (double) count * syy - (double) sy * sy;
        return cxx > 0 && cyy > 0 ? cxy / Math.sqrt(cxx * cyy) : -1;
    }
}
