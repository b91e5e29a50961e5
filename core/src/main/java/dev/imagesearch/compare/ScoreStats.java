package dev.imagesearch.compare;

import java.util.List;

/**
 * The distribution of one model's scores in one result list.
 *
 * @param count  number of scores
 * @param min    lowest score
 * @param max    highest score
 * @param mean   arithmetic mean
 * @param stddev population standard deviation
 * @param median the middle score (mean of the two middle ones for an even count)
 * All are {@code NaN} for an empty list.
 */
public record ScoreStats(int count, double min, double max, double mean, double stddev, double median) {

    /** The statistics of some scores. */
    public static ScoreStats of(List<? extends Number> scores) {
        int n = scores.size();
        if (n == 0) {
            return new ScoreStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] s = scores.stream().mapToDouble(Number::doubleValue).sorted().toArray();
        double mean = 0;
        for (double v : s) {
            mean += v;
        }
        mean /= n;
        double var = 0;
        for (double v : s) {
            var += (v - mean) * (v - mean);
        }
        double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        return new ScoreStats(n, s[0], s[n - 1], mean, Math.sqrt(var / n), median);
    }
}
