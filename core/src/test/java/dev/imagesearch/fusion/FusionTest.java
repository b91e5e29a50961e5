package dev.imagesearch.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imagesearch.search.Match;
import dev.imagesearch.store.Metric;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fusion on hand-made lists whose fused scores are computed by hand in the comments. */
public class FusionTest {

    /** A model's list: ids best first, with the given scores. */
    public static ModelResults list(String model, Metric metric, long[] ids, float[] scores) {
        List<Match> m = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            m.add(new Match(i + 1, ids[i], "/img/" + ids[i], List.of("/img/" + ids[i]), scores[i], "h" + ids[i]));
        }
        return new ModelResults(model, metric, m);
    }

    static ModelResults a() {
        return list("a", Metric.COSINE, new long[] {1, 2, 3}, new float[] {0.9f, 0.8f, 0.5f});
    }

    static ModelResults b() {
        return list("b", Metric.COSINE, new long[] {2, 3, 4}, new float[] {0.6f, 0.55f, 0.5f});
    }

    @Test
    void reciprocalRankFusionSumsOneOverKPlusRank() {
        // k=60: id1 = 1/61; id2 = 1/62 + 1/61; id3 = 1/63 + 1/62; id4 = 1/63
        List<FusedMatch> f = Fusion.rrf().fuse(List.of(a(), b()), 10);
        assertThat(f).extracting(FusedMatch::id).containsExactly(2L, 3L, 1L, 4L);
        assertThat(f.get(0).score()).isCloseTo(1.0 / 62 + 1.0 / 61, within(1e-12));
        assertThat(f.get(1).score()).isCloseTo(1.0 / 63 + 1.0 / 62, within(1e-12));
        assertThat(f.get(2).score()).isCloseTo(1.0 / 61, within(1e-12));
        assertThat(f).extracting(FusedMatch::rank).containsExactly(1, 2, 3, 4);
        // per-model rank and raw score of each fused result
        assertThat(f.get(0).perModel()).containsEntry("a", new FusedMatch.ModelHit(2, 0.8f))
                .containsEntry("b", new FusedMatch.ModelHit(1, 0.6f));
        assertThat(f.get(2).perModel()).containsOnlyKeys("a");
    }

    @Test
    void rrfConstantAndWeightsChangeTheOrder() {
        // weight a=3: id1 = 3/61 = 0.0492, id2 = 3/62 + 1/61 = 0.0648, id3 = 3/63 + 1/62 = 0.0638, id4 = 1/63
        Fusion weighted = Fusion.builder(Fusion.Method.RRF).weight("a", 3).build();
        List<FusedMatch> f = weighted.fuse(List.of(a(), b()), 10);
        assertThat(f).extracting(FusedMatch::id).containsExactly(2L, 3L, 1L, 4L);
        assertThat(f.get(1).score()).isCloseTo(3.0 / 63 + 1.0 / 62, within(1e-12));
        // k=1 makes the top ranks dominate: id1 = 1/2 = 0.5, id2 = 1/3 + 1/2, id3 = 1/4 + 1/3 = 0.583, id4 = 1/4
        List<FusedMatch> sharp = Fusion.builder(Fusion.Method.RRF).rrfK(1).build().fuse(List.of(a(), b()), 10);
        assertThat(sharp).extracting(FusedMatch::id).containsExactly(2L, 3L, 1L, 4L);
        assertThat(sharp.get(2).score()).isCloseTo(0.5, within(1e-12));
        // weight 0 for b: only a counts
        List<FusedMatch> onlyA = Fusion.builder(Fusion.Method.RRF).weight("b", 0).build().fuse(List.of(a(), b()), 2);
        assertThat(onlyA).extracting(FusedMatch::id).containsExactly(1L, 2L);
    }

    @Test
    void minMaxWeightedFusionNormalisesEachModelToItsOwnRange() {
        // a: 0.9,0.8,0.5 -> 1, 0.75, 0;  b: 0.6,0.55,0.5 -> 1, 0.5, 0;  absent -> 0; divided by the weight sum 2
        // id1 = (1+0)/2 = 0.5; id2 = (0.75+1)/2 = 0.875; id3 = (0+0.5)/2 = 0.25; id4 = 0
        List<FusedMatch> f = Fusion.weighted().fuse(List.of(a(), b()), 10);
        assertThat(f).extracting(FusedMatch::id).containsExactly(2L, 1L, 3L, 4L);
        assertThat(f.get(0).score()).isCloseTo(0.875, within(1e-6));
        assertThat(f.get(1).score()).isCloseTo(0.5, within(1e-6));
        assertThat(f.get(2).score()).isCloseTo(0.25, within(1e-6));
        assertThat(f.get(3).score()).isZero();
        // weights a=1, b=3: id2 = (0.75 + 3)/4 = 0.9375; id3 = 1.5/4 = 0.375; id1 = 0.25
        List<FusedMatch> w = Fusion.builder(Fusion.Method.WEIGHTED).weight("b", 3).build().fuse(List.of(a(), b()), 3);
        assertThat(w).extracting(FusedMatch::id).containsExactly(2L, 3L, 1L);
        assertThat(w.get(0).score()).isCloseTo(0.9375, within(1e-6));
    }

    @Test
    void zScoreFusionAndAbsentImagesGetTheListsLowestValue() {
        // two models, each list 1,2 with scores 1 and 0 (mean 0.5, sd 0.5): z = +1, -1
        ModelResults x = list("x", Metric.COSINE, new long[] {1, 2}, new float[] {1f, 0f});
        ModelResults y = list("y", Metric.COSINE, new long[] {3, 1}, new float[] {1f, 0f});
        // id1 = (1 + -1)/2 = 0; id2 = (-1 + absent(-1))/2 = -1; id3 = (absent(-1) + 1)/2 = 0 -> tie with id1, broken
        // by best single rank (both 1), then id
        Fusion z = Fusion.builder(Fusion.Method.WEIGHTED).normalization(Fusion.Normalization.Z_SCORE).build();
        List<FusedMatch> f = z.fuse(List.of(x, y), 10);
        assertThat(f).extracting(FusedMatch::id).containsExactly(1L, 3L, 2L);
        assertThat(f).extracting(FusedMatch::score).containsExactly(0.0, 0.0, -1.0);
    }

    @Test
    void lowerIsBetterMetricsAreFlippedBeforeNormalising() {
        ModelResults l2 = list("l2", Metric.L2, new long[] {5, 6}, new float[] {0.1f, 2.0f});
        List<FusedMatch> f = Fusion.weighted().fuse(List.of(l2), 2);
        assertThat(f).extracting(FusedMatch::id).containsExactly(5L, 6L);
        assertThat(f).extracting(FusedMatch::score).containsExactly(1.0, 0.0);
    }

    @Test
    void kZeroEmptyListsAndBadArguments() {
        assertThat(Fusion.rrf().fuse(List.of(a(), b()), 0)).isEmpty();
        assertThat(Fusion.rrf().fuse(List.of(), 5)).isEmpty();
        assertThat(Fusion.weighted().fuse(List.of(list("e", Metric.COSINE, new long[0], new float[0])), 5)).isEmpty();
        assertThatThrownBy(() -> Fusion.rrf().fuse(List.of(a()), -1)).hasMessageContaining("-1");
        assertThatThrownBy(() -> Fusion.builder(Fusion.Method.RRF).rrfK(0)).hasMessageContaining("0");
        assertThatThrownBy(() -> Fusion.builder(Fusion.Method.RRF).weight("a", -2)).hasMessageContaining("'a'");
        assertThatThrownBy(() -> Fusion.builder(Fusion.Method.RRF).weight("a", Double.NaN))
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> Fusion.parse("borda")).hasMessageContaining("borda").hasMessageContaining("rrf");
    }

    @Test
    void candidatesLimitEachModelsContribution() {
        // with 1 candidate per model only a's id1 and b's id2 take part
        Fusion one = Fusion.builder(Fusion.Method.RRF).candidates(1).build();
        assertThat(one.depth(1)).isEqualTo(1);
        assertThat(one.depth(3)).isEqualTo(3); // never fewer than k
        assertThat(Fusion.rrf().depth(10)).isEqualTo(Fusion.DEFAULT_CANDIDATES);
        assertThat(one.fuse(List.of(a(), b()), 1)).extracting(FusedMatch::id).containsExactly(1L);
    }

    @Test
    void namesRoundTripThroughParse() {
        assertThat(Fusion.rrf().name()).isEqualTo("rrf");
        assertThat(Fusion.parse("rrf:30").build().name()).isEqualTo("rrf:30");
        assertThat(Fusion.parse("minmax").build().name()).isEqualTo("minmax");
        assertThat(Fusion.parse("ZSCORE").build().name()).isEqualTo("zscore");
        assertThat(Fusion.parse("rrf").weight("a", 2).build().name()).isEqualTo("rrf[a=2.0]");
    }
}
