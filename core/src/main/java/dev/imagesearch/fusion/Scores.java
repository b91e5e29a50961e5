package dev.imagesearch.fusion;

import dev.imagesearch.search.Match;
import java.util.List;

/** One model's scores made comparable with another's, for {@link Fusion.Method#WEIGHTED} fusion. */
final class Scores {

    private Scores() {
    }

    /** The list's scores, higher is closer, min-max scaled to 0..1 or as z-scores over the list. */
    static double[] normalise(List<Match> list, boolean higherIsBetter, Fusion.Normalization normalization) {
        double[] s = new double[list.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = higherIsBetter ? list.get(i).score() : -list.get(i).score();
        }
        if (s.length == 0) {
            return s;
        }
        if (normalization == Fusion.Normalization.MIN_MAX) {
            double lo = min(s);
            double hi = max(s);
            for (int i = 0; i < s.length; i++) {
                s[i] = hi > lo ? (s[i] - lo) / (hi - lo) : 1.0;
            }
        } else {
            double mean = 0;
            for (double v : s) {
                mean += v;
            }
            mean /= s.length;
            double var = 0;
            for (double v : s) {
                var += (v - mean) * (v - mean);
            }
            double sd = Math.sqrt(var / s.length);
            for (int i = 0; i < s.length; i++) {
                s[i] = sd > 0 ? (s[i] - mean) / sd : 0.0;
            }
        }
        return s;
    }

    static double min(double[] a) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : a) {
            m = Math.min(m, v);
        }
        return m;
    }

    static double max(double[] a) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : a) {
            m = Math.max(m, v);
        }
        return m;
    }
}
