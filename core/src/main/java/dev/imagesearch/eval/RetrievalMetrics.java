package dev.imagesearch.eval;

/**
 * Standard ranked-retrieval metrics. A ranked list is given as one boolean per result, best first: whether that
 * result is relevant.
 */
public final class RetrievalMetrics {

    private RetrievalMetrics() {
    }

    /** Relevant results among the first {@code k}, divided by {@code k} (a shorter list counts its gap as misses). */
    public static double precisionAt(boolean[] relevant, int k) {
        checkK(k);
        int hits = 0;
        for (int i = 0; i < Math.min(k, relevant.length); i++) {
            if (relevant[i]) {
                hits++;
            }
        }
        return (double) hits / k;
    }

    /**
     * Average precision at {@code k}: the mean of precision@i over the ranks {@code i <= k} that hold a relevant
     * result, divided by {@code min(k, totalRelevant)} (so a perfect list scores 1 even when more than {@code k}
     * relevant images exist). 0 when nothing is relevant.
     *
     * @param totalRelevant how many relevant images exist in the whole index (excluding the query itself)
     */
    public static double averagePrecisionAt(boolean[] relevant, int totalRelevant, int k) {
        checkK(k);
        if (totalRelevant < 0) {
            throw new IllegalArgumentException("totalRelevant must be >= 0, was " + totalRelevant);
        }
        if (totalRelevant == 0) {
            return 0;
        }
        int hits = 0;
        double sum = 0;
        for (int i = 0; i < Math.min(k, relevant.length); i++) {
            if (relevant[i]) {
                hits++;
                sum += (double) hits / (i + 1);
            }
        }
        return sum / Math.min(k, totalRelevant);
    }

    /** 1 when the single target is within the first {@code k} ({@code rank} is 1-based, 0 for not found). */
    public static double recallAt(int rank, int k) {
        checkK(k);
        return rank >= 1 && rank <= k ? 1 : 0;
    }

    /** {@code 1 / rank}, or 0 when the target was not found ({@code rank} 0). */
    public static double reciprocalRank(int rank) {
        if (rank < 0) {
            throw new IllegalArgumentException("rank must be >= 0 (0: not found), was " + rank);
        }
        return rank == 0 ? 0 : 1.0 / rank;
    }

    /**
     * Micro average precision (uAP, as in copy detection): every prediction of every query is pooled and sorted by
     * score, best first; uAP is the mean of the precision at each correct prediction over {@code positives}, the
     * number of queries that have a right answer. A query whose right answer is never predicted lowers it, and so
     * does every wrong prediction (a distractor's top-1 included) that scores above a right one. Ties are broken
     * pessimistically (wrong first).
     *
     * @param scores    one score per prediction (higher = more confident)
     * @param correct   whether each prediction is right
     * @param positives queries with a right answer, &gt;= the number of correct predictions
     */
    public static double microAveragePrecision(double[] scores, boolean[] correct, int positives) {
        if (scores.length != correct.length) {
            throw new IllegalArgumentException("scores and correct differ in length: " + scores.length + " vs "
                    + correct.length);
        }
        Integer[] order = new Integer[scores.length];
        int right = 0;
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            right += correct[i] ? 1 : 0;
        }
        if (positives < right) {
            throw new IllegalArgumentException("positives (" + positives + ") < correct predictions (" + right + ")");
        }
        if (positives == 0) {
            return 0;
        }
        java.util.Arrays.sort(order, (a, b) -> scores[a] != scores[b] ? Double.compare(scores[b], scores[a])
                : Boolean.compare(correct[a], correct[b]));
        double sum = 0;
        int hits = 0;
        for (int i = 0; i < order.length; i++) {
            if (correct[order[i]]) {
                hits++;
                sum += (double) hits / (i + 1);
            }
        }
        return sum / positives;
    }

    private static void checkK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, was " + k);
        }
    }
}
