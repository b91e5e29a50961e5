package dev.imagesearch.embedded;

import dev.imagesearch.store.ScoredId;
import java.util.ArrayList;
import java.util.List;

/**
 * Bounded selection of the best n scores; ties are broken by smaller id for a stable order. Cosine scores are
 * clamped to [-1, 1] as they come in: rounding (of the sums, and up to ~5e-4 of FLOAT16's elements) can take a
 * unit vector's score against itself above 1.
 */
final class TopScores {
    private final int n;
    private final boolean higherIsBetter;
    private final boolean clampUnit;
    private final float[] scores;
    private final long[] topIds;
    private int count;

    TopScores(int n, boolean higherIsBetter, boolean clampUnit) {
        this.n = n;
        this.higherIsBetter = higherIsBetter;
        this.clampUnit = clampUnit;
        this.scores = new float[n];
        this.topIds = new long[n];
    }

    private boolean better(float s1, long id1, float s2, long id2) {
        if (s1 != s2) {
            return higherIsBetter ? s1 > s2 : s1 < s2;
        }
        return id1 < id2;
    }

    void offer(float raw, long id) {
        float score = clampUnit ? Math.max(-1f, Math.min(1f, raw)) : raw;
        if (count == n && !better(score, id, scores[n - 1], topIds[n - 1])) {
            return;
        }
        int i = count < n ? count++ : n - 1;
        while (i > 0 && better(score, id, scores[i - 1], topIds[i - 1])) {
            scores[i] = scores[i - 1];
            topIds[i] = topIds[i - 1];
            i--;
        }
        scores[i] = score;
        topIds[i] = id;
    }

    List<ScoredId> result() {
        List<ScoredId> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new ScoredId(topIds[i], scores[i]));
        }
        return out;
    }
}
