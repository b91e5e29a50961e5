package dev.imagesearch.embedded;

import dev.imagesearch.store.Metric;
import dev.imagesearch.store.ScoredId;
import java.util.ArrayList;
import java.util.List;

/**
 * Exact nearest-neighbour search over a {@link SlotTable}: every row is scored, tile by tile, and the best kept in
 * {@link TopScores}. Queries come checked and (for cosine) normalised; the caller holds the collection's read lock.
 */
final class ExactSearch {

    /** Rows scored per kernel call of a single search (a reusable score buffer of this size). */
    private static final int SINGLE_TILE = 4096;
    /** Rows per tile of a batch search: 128 rows of 1280 floats (640 KB) stay in a core's L2 cache for all queries. */
    private static final int BATCH_TILE = 128;

    private ExactSearch() {
    }

    static List<ScoredId> search(SlotTable rows, DotKernel kernel, Metric metric, float[] q, int k) {
        int size = rows.size();
        int n = Math.min(k, size);
        if (n == 0) {
            return List.of();
        }
        TopScores top = new TopScores(n, metric.higherIsBetter(), metric == Metric.COSINE);
        VectorRows.QueryScorer scorer = metric == Metric.L2 ? rows.vectors.l2Scorer(q)
                : rows.vectors.dotScorer(kernel, q);
        float[] scores = new float[Math.min(SINGLE_TILE, size)];
        for (int from = 0; from < size; from += SINGLE_TILE) {
            int to = Math.min(size, from + SINGLE_TILE);
            scorer.score(from, to, scores);
            for (int s = from; s < to; s++) {
                top.offer(scores[s - from], rows.idAt(s));
            }
        }
        return top.result();
    }

    /**
     * Inner-product queries in one pass over the rows: each tile of stored vectors is read once (from memory into
     * cache) for all queries.
     */
    static List<List<ScoredId>> searchBatch(SlotTable rows, DotKernel kernel, Metric metric, float[][] qs, int k) {
        int nq = qs.length;
        int size = rows.size();
        int n = Math.min(k, size);
        List<List<ScoredId>> out = new ArrayList<>(nq);
        if (n == 0) {
            for (int j = 0; j < nq; j++) {
                out.add(List.of());
            }
            return out;
        }
        TopScores[] tops = new TopScores[nq];
        for (int j = 0; j < nq; j++) {
            tops[j] = new TopScores(n, true, metric == Metric.COSINE);
        }
        float[][] scores = new float[nq][Math.min(BATCH_TILE, size)];
        VectorRows.TileScorer scorer = rows.vectors.batchScorer(kernel, Math.min(BATCH_TILE, size));
        for (int from = 0; from < size; from += BATCH_TILE) {
            int to = Math.min(size, from + BATCH_TILE);
            scorer.dots(from, to, qs, nq, scores);
            for (int j = 0; j < nq; j++) {
                float[] sj = scores[j];
                TopScores top = tops[j];
                for (int s = from; s < to; s++) {
                    top.offer(sj[s - from], rows.idAt(s));
                }
            }
        }
        for (TopScores top : tops) {
            out.add(top.result());
        }
        return out;
    }
}
