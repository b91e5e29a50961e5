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
}
