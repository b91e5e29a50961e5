package dev.imagesearch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RetrievalMetricsTest {

    @Test
    void averagePrecisionOnHandComputedLists() {
        // relevant at ranks 1, 3, 4 of 5; 4 relevant exist: (1/1 + 2/3 + 3/4) / min(5, 4) = 0.6041666
        boolean[] r = {true, false, true, true, false};
        assertThat(RetrievalMetrics.averagePrecisionAt(r, 4, 5)).isCloseTo((1 + 2.0 / 3 + 0.75) / 4, within(1e-12));
        // cut at k=2: only rank 1 counts; divided by min(2, 4) = 2
        assertThat(RetrievalMetrics.averagePrecisionAt(r, 4, 2)).isCloseTo(0.5, within(1e-12));
        // a perfect list scores 1 even when more relevant images exist than k
        assertThat(RetrievalMetrics.averagePrecisionAt(new boolean[] {true, true}, 10, 2)).isEqualTo(1.0);
        assertThat(RetrievalMetrics.averagePrecisionAt(new boolean[] {false, false}, 3, 2)).isZero();
        assertThat(RetrievalMetrics.averagePrecisionAt(r, 0, 5)).isZero();
    }

    @Test
    void precisionRecallAndReciprocalRank() {
        boolean[] r = {false, true, true};
        assertThat(RetrievalMetrics.precisionAt(r, 1)).isZero();
        assertThat(RetrievalMetrics.precisionAt(r, 3)).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(RetrievalMetrics.precisionAt(r, 10)).isCloseTo(0.2, within(1e-12)); // short list: misses
        assertThat(RetrievalMetrics.recallAt(1, 1)).isEqualTo(1.0);
        assertThat(RetrievalMetrics.recallAt(3, 1)).isZero();
        assertThat(RetrievalMetrics.recallAt(3, 5)).isEqualTo(1.0);
        assertThat(RetrievalMetrics.recallAt(0, 5)).isZero();
        assertThat(RetrievalMetrics.reciprocalRank(4)).isEqualTo(0.25);
        assertThat(RetrievalMetrics.reciprocalRank(0)).isZero();
        assertThatThrownBy(() -> RetrievalMetrics.precisionAt(r, 0)).hasMessageContaining("k must be >= 1");
        assertThatThrownBy(() -> RetrievalMetrics.reciprocalRank(-1)).hasMessageContaining("-1");
    }

    @Test
    void microAveragePrecisionPoolsEveryQuerysPredictionByScore() {
        // sorted: 0.9 right, 0.8 wrong (a distractor), 0.7 right; 3 queries have a right answer (one never found)
        // AP = (1/1 + 2/3) / 3
        double uap = RetrievalMetrics.microAveragePrecision(new double[] {0.7, 0.9, 0.8},
                new boolean[] {true, true, false}, 3);
        assertThat(uap).isCloseTo((1 + 2.0 / 3) / 3, within(1e-12));
        // every right prediction above every wrong one, all found: 1
        assertThat(RetrievalMetrics.microAveragePrecision(new double[] {0.9, 0.8, 0.1},
                new boolean[] {true, true, false}, 2)).isEqualTo(1.0);
        // a tie between right and wrong counts the wrong one first
        assertThat(RetrievalMetrics.microAveragePrecision(new double[] {0.5, 0.5}, new boolean[] {true, false}, 1))
                .isEqualTo(0.5);
        assertThat(RetrievalMetrics.microAveragePrecision(new double[0], new boolean[0], 0)).isZero();
        assertThatThrownBy(() -> RetrievalMetrics.microAveragePrecision(new double[] {1}, new boolean[] {true}, 0))
                .hasMessageContaining("positives (0) < correct predictions (1)");
        assertThatThrownBy(() -> RetrievalMetrics.microAveragePrecision(new double[] {1}, new boolean[0], 1))
                .hasMessageContaining("differ in length");
    }
}
