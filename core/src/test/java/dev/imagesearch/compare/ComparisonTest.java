package dev.imagesearch.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imagesearch.fusion.FusionTest;
import dev.imagesearch.fusion.ModelResults;
import dev.imagesearch.store.Metric;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTest {

    private static ModelResults list(String name, long[] ids, float[] scores) {
        return FusionTest.list(name, Metric.COSINE, ids, scores);
    }

    @Test
    void identicalListsAgreeCompletely() {
        ModelResults a = list("a", new long[] {1, 2, 3}, new float[] {0.9f, 0.8f, 0.7f});
        ModelResults b = list("b", new long[] {1, 2, 3}, new float[] {0.6f, 0.5f, 0.4f});
        Comparison.Pair p = Comparison.of(List.of(a, b), 3).pairs().get(0);
        assertThat(p.shared()).isEqualTo(3);
        assertThat(p.overlap()).isEqualTo(1.0);
        assertThat(p.spearman()).isCloseTo(1.0, within(1e-12));
        assertThat(p.kendall()).isCloseTo(1.0, within(1e-12));
        // "the results are similar but the distances are not the same": +0.3 on every shared image
        assertThat(p.meanScoreDelta()).isCloseTo(0.3, within(1e-6));
        assertThat(p.meanAbsScoreDelta()).isCloseTo(0.3, within(1e-6));
    }

    @Test
    void reversedAndPartlyOverlappingLists() {
        ModelResults a = list("a", new long[] {1, 2, 3}, new float[] {0.9f, 0.8f, 0.7f});
        ModelResults rev = list("r", new long[] {3, 2, 1}, new float[] {0.9f, 0.8f, 0.7f});
        Comparison.Pair p = Comparison.of(List.of(a, rev), 3).pairs().get(0);
        assertThat(p.spearman()).isCloseTo(-1.0, within(1e-12));
        assertThat(p.kendall()).isCloseTo(-1.0, within(1e-12));

        // a = 1,2,3 ; c = 2,4,5 (k=3): union 1,2,3,4,5; ranks a = 1,2,3,4,4 ; c = 4,1,4,2,3
        ModelResults c = list("c", new long[] {2, 4, 5}, new float[] {0.5f, 0.4f, 0.3f});
        Comparison.Pair q = Comparison.of(List.of(a, c), 3).pairs().get(0);
        assertThat(q.shared()).isEqualTo(1);
        assertThat(q.overlap()).isCloseTo(1.0 / 3, within(1e-12));
        // average ranks: a 1,2,3,4.5,4.5 ; c 4.5,1,4.5,2,3 -> deviations from 3: cov -2.5, variances 9.5 and 9.5
        assertThat(q.spearman()).isCloseTo(-2.5 / 9.5, within(1e-12));
        assertThat(q.meanScoreDelta()).isCloseTo(0.3, within(1e-6)); // id 2: 0.8 - 0.5
    }

    @Test
    void rankCorrelationsOnAHandComputedExample() {
        // x = 1,2,3,4 ; y = 1,3,2,4: Spearman 1 - 6*2/(4*15) = 0.8; Kendall (5 - 1)/6 = 2/3
        double[] x = {1, 2, 3, 4};
        double[] y = {1, 3, 2, 4};
        assertThat(RankCorrelation.spearman(x, y)).isCloseTo(0.8, within(1e-12));
        assertThat(RankCorrelation.kendallTauB(x, y)).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(RankCorrelation.spearman(new double[] {1}, new double[] {1})).isNaN();
        // raw values are ranked first: any strictly increasing transform gives the same rho
        assertThat(RankCorrelation.spearman(new double[] {10, 20, 30, 400}, new double[] {1, 9, 5, 99}))
                .isCloseTo(0.8, within(1e-12));
        assertThat(RankCorrelation.averageRanks(new double[] {7, 3, 7, 1})).containsExactly(3.5, 2, 3.5, 1);
        assertThat(RankCorrelation.kendallTauB(new double[] {1, 1}, new double[] {1, 2})).isNaN();
        assertThatThrownBy(() -> RankCorrelation.spearman(x, new double[] {1})).hasMessageContaining("4 vs 1");
    }

    @Test
    void scoreStatsAndEmptyLists() {
        ScoreStats s = ScoreStats.of(List.of(0.9f, 0.5f, 0.7f, 0.1f));
        assertThat(s.count()).isEqualTo(4);
        assertThat(s.min()).isCloseTo(0.1, within(1e-6));
        assertThat(s.max()).isCloseTo(0.9, within(1e-6));
        assertThat(s.mean()).isCloseTo(0.55, within(1e-6));
        assertThat(s.median()).isCloseTo(0.6, within(1e-6));
        assertThat(s.stddev()).isCloseTo(Math.sqrt((0.1225 + 0.0025 + 0.0225 + 0.2025) / 4), within(1e-6));
        assertThat(ScoreStats.of(List.of()).mean()).isNaN();

        ModelResults empty = list("e", new long[0], new float[0]);
        Comparison c = Comparison.of(List.of(empty, empty), 5);
        assertThat(c.pairs().get(0).overlap()).isEqualTo(1.0);
        assertThat(c.pairs().get(0).spearman()).isNaN();
        assertThat(c.scores().get("e").count()).isZero();
        assertThat(Comparison.of(List.of(list("a", new long[] {1}, new float[] {1f})), 0).perModel().get(0)
                .matches()).isEmpty();
        assertThatThrownBy(() -> Comparison.of(List.of(), -1)).hasMessageContaining("-1");
    }
}
