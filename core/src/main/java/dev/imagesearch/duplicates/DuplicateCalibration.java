package dev.imagesearch.duplicates;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Measures a {@link DuplicateFinder} against a labelled set over a range of thresholds and picks the strictest
 * threshold whose pair F1 is within {@link #TOLERANCE} of the highest: over all pairs of labelled indexed images, a pair is a true duplicate when both have the same
 * label (copies of one original), and predicted when both are in one group. The candidate pairs are gathered
 * once, at the lowest threshold, and grouped again at each one, so a sweep costs about one {@link
 * DuplicateFinder#find()}. Why the strictest near the top rather than the top: a development set is dense (many
 * look-alikes per photo) and its F1 curve is flat over a range; a sparser collection has lower backgrounds, so the
 * margin filters less there and a stricter threshold keeps unrelated photos apart. The chosen threshold goes into the model's metadata ({@code duplicates.threshold=} in
 * {@code model.properties}, see docs/EVALUATION.md).
 */
public final class DuplicateCalibration {

    /** How far below the highest F1 the chosen threshold's F1 may be. */
    public static final double TOLERANCE = 0.01;

    private DuplicateCalibration() {
    }

    /**
     * One threshold's result.
     *
     * @param threshold      the threshold (the finder's primary model's units)
     * @param groups         groups found
     * @param predictedPairs labelled pairs in one group
     * @param truePairs      labelled pairs with the same label
     * @param correctPairs   pairs both predicted and true
     */
    public record Point(double threshold, int groups, long predictedPairs, long truePairs, long correctPairs) {
        /** Correct over predicted (1 when nothing is predicted). */
        public double precision() {
            return predictedPairs == 0 ? 1 : (double) correctPairs / predictedPairs;
        }

        /** Correct over true (1 when there is no true pair). */
        public double recall() {
            return truePairs == 0 ? 1 : (double) correctPairs / truePairs;
        }

        /** Harmonic mean of precision and recall. */
        public double f1() {
            double p = precision();
            double r = recall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
    }

    /**
     * A calibration.
     *
     * @param model     the finder's model name
     * @param labelled  labelled images found in the index
     * @param unlabelled indexed images without a label (in no pair counted)
     * @param curve     one point per threshold, in the given order
     * @param best      the chosen point: the strictest threshold with an F1 within {@link #TOLERANCE} of the
     *                  highest
     */
    public record Report(String model, int labelled, int unlabelled, List<Point> curve, Point best) {
        public Report {
            curve = List.copyOf(curve);
        }
    }

    /**
     * Runs the finder's grouping at each threshold.
     *
     * @param finder     what to calibrate (its models and linkage; its own threshold is ignored)
     * @param labels     image id → label; images with the same label are duplicates of each other
     * @param thresholds at least one, in the primary model's metric
     */
    public static Report run(DuplicateFinder finder, Map<Long, String> labels, List<Double> thresholds) {
        Objects.requireNonNull(labels, "labels");
        if (thresholds.isEmpty()) {
            throw new IllegalArgumentException("thresholds must not be empty");
        }
        boolean higher = finder.model().collection().spec().metric().higherIsBetter();
        double lowest = higher ? thresholds.stream().mapToDouble(Double::doubleValue).min().orElseThrow()
                : thresholds.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        Candidates c = finder.candidates(finder.lowest(lowest));
        Map<Grouping.Edge, PairVerifier.Verdict> verdicts = finder.verdicts(c);
        Map<String, Long> perLabel = new HashMap<>();
        int labelled = 0;
        for (long id : c.ids) {
            String label = labels.get(id);
            if (label != null) {
                labelled++;
                perLabel.merge(label, 1L, Long::sum);
            }
        }
        long truePairs = perLabel.values().stream().mapToLong(DuplicateCalibration::pairs).sum();
        List<Point> curve = new ArrayList<>();
        for (double t : thresholds) {
            List<Grouping.Component> groups = finder.components(c, t, verdicts);
            long predicted = 0;
            long correct = 0;
            for (Grouping.Component g : groups) {
                Map<String, Long> counts = new HashMap<>();
                long n = 0;
                for (int i : g.members()) {
                    String label = labels.get(c.ids.get(i));
                    if (label != null) {
                        n++;
                        counts.merge(label, 1L, Long::sum);
                    }
                }
                predicted += pairs(n);
                correct += counts.values().stream().mapToLong(DuplicateCalibration::pairs).sum();
            }
            curve.add(new Point(t, groups.size(), predicted, truePairs, correct));
        }
        double top = curve.stream().mapToDouble(Point::f1).max().orElseThrow();
        Point best = curve.stream().filter(p -> p.f1() >= top - TOLERANCE)
                .max(Comparator.comparingDouble(p -> higher ? p.threshold() : -p.threshold())).orElseThrow();
        return new Report(finder.name(), labelled, c.ids.size() - labelled, curve, best);
    }

    private static long pairs(long n) {
        return n * (n - 1) / 2;
    }
}
