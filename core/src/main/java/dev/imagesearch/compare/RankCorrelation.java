package dev.imagesearch.compare;

/** Rank correlation coefficients of two paired rank vectors (ties allowed). */
public final class RankCorrelation {

    private RankCorrelation() {
    }

    /**
     * Spearman's rho as the Pearson correlation of the ranks (the form that handles ties). {@code NaN} when there
     * are fewer than 2 pairs or one side is constant.
     */
    public static double spearman(double[] a, double[] b) {
        check(a, b);
        int n = a.length;
        if (n < 2) {
            return Double.NaN;
        }
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

    private static void check(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("rank vectors differ in length: " + a.length + " vs " + b.length);
        }
    }
}
