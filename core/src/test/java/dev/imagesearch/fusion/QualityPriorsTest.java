package dev.imagesearch.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imagesearch.embed.Embedder;
import dev.imagesearch.store.Metric;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Default fusion weights from quality priors: the rule w = (q / q_best)^γ, and how fusing uses it. */
class QualityPriorsTest {

    private static Embedder withProperties(String name, Map<String, String> properties) {
        return new Embedder() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int dimension() {
                return 2;
            }

            @Override
            public float[] embed(BufferedImage image) {
                return new float[] {1, 0};
            }

            @Override
            public Map<String, String> properties() {
                return properties;
            }
        };
    }

    @Test
    void weightsAreTheQualityRatioToTheBestRaisedToGamma() {
        Map<String, Double> w = QualityPriors.weights(Map.of("strong", 0.48, "good", 0.36, "mid", 0.24),
                List.of("strong", "good", "mid"), 3);
        assertThat(w.get("strong")).isEqualTo(1.0);
        assertThat(w.get("good")).isCloseTo(27.0 / 64, within(1e-12)); // (3/4)^3
        assertThat(w.get("mid")).isCloseTo(1.0 / 8, within(1e-12)); // (1/2)^3: just not below half
        // below half the best one's quality: left out
        assertThat(QualityPriors.weights(Map.of("strong", 0.48, "weak", 0.16), List.of("strong", "weak"), 3))
                .containsEntry("strong", 1.0).containsEntry("weak", 0.0);
        // γ = 0: equal weights, nobody left out; equal quality: equal weights whatever γ
        assertThat(QualityPriors.weights(Map.of("a", 0.4, "b", 0.1), List.of("a", "b"), 0)).containsEntry("a", 1.0)
                .containsEntry("b", 1.0);
        assertThat(QualityPriors.weights(Map.of("a", 0.3, "b", 0.3), List.of("a", "b"), 5)).containsEntry("b", 1.0);
        // only the fused models count: the best of them weighs 1
        assertThat(QualityPriors.weights(Map.of("a", 0.5, "b", 0.25, "c", 0.125), List.of("b", "c"), 1))
                .containsEntry("b", 1.0).containsEntry("c", 0.5).doesNotContainKey("a");
        assertThat(QualityPriors.weights(Map.of("a", 0.5, "b", 0.25, "c", 0.125), List.of("a", "b", "c"), 1))
                .containsEntry("b", 0.5).containsEntry("c", 0.0);
    }

    @Test
    void ofAModelAndItsVariantsOnlyTheBestPriorKeepsItsWeight() {
        Map<String, Double> q = Map.of("lite0", 0.4772, "lite0-int8", 0.4747, "lite1", 0.4764, "lite1-int8", 0.4823,
                "nsfw", 0.17);
        Map<String, String> variants = Map.of("lite0-int8", "lite0", "lite1-int8", "lite1");
        // the variant is left out when its base has the higher prior, the base when the variant has
        assertThat(QualityPriors.weights(q, variants, List.of("lite0", "lite0-int8"), 3))
                .containsEntry("lite0", 1.0).containsEntry("lite0-int8", 0.0);
        assertThat(QualityPriors.weights(q, variants, List.of("lite1-int8", "lite1"), 3))
                .containsEntry("lite1-int8", 1.0).containsEntry("lite1", 0.0);
        // other networks keep their prior weights; a variant alone is an ordinary model
        Map<String, Double> w = QualityPriors.weights(q, variants, List.of("lite0-int8", "lite1", "lite0", "nsfw"), 3);
        assertThat(w.get("lite0-int8")).isEqualTo(0.0);
        assertThat(w.get("lite0")).isCloseTo(Math.pow(0.4772 / 0.4772, 3), within(1e-12));
        assertThat(w.get("lite1")).isCloseTo(Math.pow(0.4764 / 0.4772, 3), within(1e-12));
        assertThat(w.get("nsfw")).isEqualTo(0.0);
        assertThat(QualityPriors.weights(q, variants, List.of("lite0-int8", "lite1"), 3).get("lite0-int8"))
                .isCloseTo(Math.pow(0.4747 / 0.4764, 3), within(1e-12));
        // two variants of one base (the base not fused) are one descriptor too; on a tie the base stays
        assertThat(QualityPriors.weights(Map.of("a", 0.3, "a-int8", 0.31, "a-fp16", 0.29),
                Map.of("a-int8", "a", "a-fp16", "a"), List.of("a-fp16", "a-int8"), 3))
                .containsEntry("a-int8", 1.0).containsEntry("a-fp16", 0.0);
        assertThat(QualityPriors.weights(Map.of("a", 0.3, "a-int8", 0.3), Map.of("a-int8", "a"),
                List.of("a-int8", "a"), 3)).containsEntry("a", 1.0).containsEntry("a-int8", 0.0);
        // equal weights (γ = 0) and models without priors: nobody is left out
        assertThat(QualityPriors.weights(q, variants, List.of("lite0", "lite0-int8"), 0)).containsEntry("lite0-int8",
                1.0);
        assertThat(QualityPriors.weights(Map.of("lite0", 0.4772), variants, List.of("lite0", "lite0-int8"), 3))
                .containsEntry("lite0-int8", 1.0);
    }

    @Test
    void aModelWithoutAPriorMakesEveryWeightOne() {
        assertThat(QualityPriors.weights(Map.of("a", 0.4), List.of("a", "b"), 3)).containsEntry("a", 1.0)
                .containsEntry("b", 1.0);
        assertThatThrownBy(() -> QualityPriors.weights(Map.of(), List.of("a"), -1))
                .hasMessageContaining("prior exponent");
    }

    @Test
    void priorsAreReadFromTheModelsPropertiesAndCheckedForRange() {
        assertThat(QualityPriors.of(withProperties("m", Map.of(QualityPriors.KEY, " 0.4772 "))).getAsDouble())
                .isEqualTo(0.4772);
        assertThat(QualityPriors.of(withProperties("m", Map.of()))).isEmpty();
        assertThatThrownBy(() -> QualityPriors.of(withProperties("m", Map.of(QualityPriors.KEY, "high"))))
                .hasMessageContaining("Model m: quality.map10 'high' is not a number");
        assertThatThrownBy(() -> QualityPriors.of(withProperties("m", Map.of(QualityPriors.KEY, "47.7"))))
                .hasMessageContaining("must be in (0, 1]");
    }

    @Test
    void fusionWeighsByThePriorsUnlessWeightsAreSet() {
        // "strong" ranks 1 then 2; "weak" ranks 2 then 1 with a wider spread. Min-max: id1 = (w_s·1 + w_w·0),
        // id2 = (w_s·0 + w_w·1); the stronger model's first result wins only when its weight is larger.
        ModelResults strong = FusionTest.list("strong", Metric.COSINE, new long[] {1, 2}, new float[] {0.9f, 0.8f});
        ModelResults weak = FusionTest.list("weak", Metric.COSINE, new long[] {2, 1}, new float[] {0.9f, 0.1f});
        Map<String, Double> priors = Map.of("strong", 0.48, "weak", 0.30);
        Fusion byPrior = Fusion.weighted().withPriors(priors);
        assertThat(byPrior.effectiveWeights(List.of("strong", "weak")).get("weak"))
                .isCloseTo(Math.pow(0.30 / 0.48, 3), within(1e-12));
        List<FusedMatch> fused = byPrior.fuse(List.of(strong, weak), 2);
        assertThat(fused).extracting(FusedMatch::id).containsExactly(1L, 2L);
        assertThat(fused.get(0).score()).isCloseTo(1 / (1 + Math.pow(0.30 / 0.48, 3)), within(1e-12));
        // equal weights (γ = 0): a tie, broken by id
        Fusion equal = Fusion.builder(Fusion.Method.WEIGHTED).priorExponent(0).build().withPriors(priors);
        assertThat(equal.effectiveWeights(List.of("strong", "weak"))).containsEntry("weak", 1.0);
        assertThat(equal.name()).isEqualTo("minmax[equal]");
        // explicit weights win over priors
        Fusion explicit = Fusion.builder(Fusion.Method.WEIGHTED).weight("weak", 3).build().withPriors(priors);
        assertThat(explicit.fuse(List.of(strong, weak), 2)).extracting(FusedMatch::id).containsExactly(2L, 1L);
        // no priors attached: equal weights
        assertThat(Fusion.weighted().effectiveWeights(List.of("strong", "weak"))).containsEntry("weak", 1.0);
        assertThat(byPrior.priors()).isEqualTo(priors);
        assertThat(byPrior.name()).isEqualTo("minmax");
    }

    @Test
    void aModelOfLessThanHalfTheBestQualityIsLeftOut() {
        ModelResults strong = FusionTest.list("strong", Metric.COSINE, new long[] {1, 2}, new float[] {0.9f, 0.8f});
        ModelResults weak = FusionTest.list("weak", Metric.COSINE, new long[] {3, 2, 1},
                new float[] {0.99f, 0.9f, 0.1f});
        Fusion f = Fusion.parse("zscore").build().withPriors(Map.of("strong", 0.48, "weak", 0.17));
        assertThat(f.effectiveWeights(List.of("strong", "weak"))).containsEntry("weak", 0.0);
        List<FusedMatch> fused = f.fuse(List.of(weak, strong), 5);
        // only the strong model's candidates, in its order; the weak model's ranks are still reported
        assertThat(fused).extracting(FusedMatch::id).containsExactly(1L, 2L);
        assertThat(fused.get(1).perModel()).containsEntry("weak", new FusedMatch.ModelHit(2, 0.9f));
        // the one model left gives its own scores
        assertThat(fused).extracting(FusedMatch::score).containsExactly((double) 0.9f, (double) 0.8f);
        // with equal weights it takes part: its first result comes in
        Fusion equal = Fusion.parse("zscore").priorExponent(0).build().withPriors(Map.of("strong", 0.48,
                "weak", 0.17));
        assertThat(equal.fuse(List.of(weak, strong), 5)).extracting(FusedMatch::id).contains(3L);
    }
}
