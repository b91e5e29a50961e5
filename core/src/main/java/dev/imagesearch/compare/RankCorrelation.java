package dev.imagesearch.compare;

/** Rank correlation coefficients of two paired rank vectors (ties allowed). */
public final class RankCorrelation {

    private RankCorrelation() {
    }

    /**
     * Spearman's rho: the Pearson correlation of the two sides' average ranks (tied values share the mean of the
     * ranks they span), the form that handles ties. The inputs may be any values (for example rank positions with
     * a common value for "missing"); they are ranked here. {@code NaN} when there are fewer than 2 pairs or one
     * side is constant.
     */
    public static double spearman(double[] values1, double[] values2) {
        check(values1, values2);
        int n = values1.length;
        if (n < 2) {
            return Double.NaN;
        }
        double[] a = averageRanks(values1);
        double[] b = averageRanks(values2);
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= n;
        mb /= n;
        double cov = 0;
        double va = 0;
        double vb = 0;
        for (int i = 0; i < n; i++) {
            cov += (a[i] - ma) * (b[i] - mb);
            va += (a[i] - ma) * (a[i] - ma);
            vb += (b[i] - mb) * (b[i] - mb);
        }
        return va == 0 || vb == 0 ? Double.NaN : cov / Math.sqrt(va * vb);
    }

    /**
     * Kendall's tau-b (corrected for ties), O(n²): fine for result lists. {@code NaN} when there are fewer than 2
     * pairs or one side is constant.
     */
    public static double kendallTauB(double[] a, double[] b) {
        check(a, b);
        int n = a.length;
        long concordant = 0;
        long discordant = 0;
        long tiesA = 0;
        long tiesB = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double da = Math.signum(a[i] - a[j]);
                double db = Math.signum(b[i] - b[j]);
                if (da == 0 && db == 0) {
                    continue;
                } else if (da == 0) {
                    tiesA++;
                } else if (db == 0) {
                    tiesB++;
                } else if (da == db) {
                    concordant++;
                } else {
                    discordant++;
                }
            }
        }
        double denom = Math.sqrt((double) (concordant + discordant + tiesA) * (concordant + discordant + tiesB));
        return denom == 0 ? Double.NaN : (concordant - discordant) / denom;
    }

    /** 1-based ranks of the values, ties getting the average of the ranks they span. */
    static double[] averageRanks(double[] values) {
        int n = values.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(values[x], values[y]));
        double[] ranks = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double average = (i + j) / 2.0 + 1;
            for (int t = i; t <= j; t++) {
                ranks[order[t]] = average;
            }
            i = j + 1;
        }
        return ranks;
    }

    private static void check(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("rank vectors differ in length: " + a.length + " vs " + b.length);
        }
    }
}
