package dev.imagesearch.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imagesearch.search.Match;
import dev.imagesearch.store.ScoredId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Database-side augmentation: the augmented vector computed by hand, re-ranking against an exhaustive augmentation
 * of the whole index computed here independently, and exclusions (leave-one-out) that leave no trace.
 */
class DatabaseAugmentationTest {

    /** A brute-force inner-product index over normalised vectors. */
    private static final class Index {
        final Map<Long, float[]> vectors = new HashMap<>();

        Index add(long id, float... v) {
            vectors.put(id, normalise(v));
            return this;
        }

        List<Match> search(float[] q, int k) {
            List<Match> all = new ArrayList<>();
            vectors.forEach((id, v) -> all.add(new Match(0, id, "/img/" + id, List.of("/img/" + id), dot(q, v),
                    "h" + id)));
            all.sort(Comparator.comparingDouble(Match::score).reversed().thenComparingLong(Match::id));
            return all.subList(0, Math.min(k, all.size()));
        }

        List<List<ScoredId>> batch(List<float[]> qs, int k) {
            return qs.stream().map(q -> search(q, k).stream().map(m -> new ScoredId(m.id(), m.score())).toList())
                    .toList();
        }

        Optional<float[]> vector(long id) {
            return Optional.ofNullable(vectors.get(id));
        }

        /** The batch read: counts its calls and the ids asked for. */
        int reads;
        final List<Long> asked = new ArrayList<>();

        Map<Long, float[]> vectors(Collection<Long> ids) {
            reads++;
            asked.addAll(ids);
            Map<Long, float[]> out = new HashMap<>();
            ids.forEach(id -> vector(id).ifPresent(v -> out.put(id, v)));
            return out;
        }
    }

    private static float dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return (float) s;
    }

    private static float[] normalise(float[] v) {
        double n = Math.sqrt(dot(v, v));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / n);
        }
        return out;
    }

    @Test
    void anIndexedVectorIsSummedWithItsTopNeighboursButNotItself() {
        Index ix = new Index().add(1, 1, 0, 0).add(2, 0.8f, 0.6f, 0).add(3, 0.6f, 0, 0.8f).add(4, 0, 0, 1);
        DatabaseAugmentation.Session s = DatabaseAugmentation.alpha(2, 2).session(ix::vectors, ix::search, ix::batch);
        // neighbours of 1: 2 (0.8) and 3 (0.6); weights 0.64 and 0.36 → (1 + 0.512 + 0.216, 0.384, 0.288)
        float[] a = s.vector(1).orElseThrow();
        double[] want = {1.728, 0.384, 0.288};
        double n = Math.sqrt(want[0] * want[0] + want[1] * want[1] + want[2] * want[2]);
        for (int i = 0; i < 3; i++) {
            assertThat((double) a[i]).isCloseTo(want[i] / n, within(1e-6));
        }
        assertThat(s.vector(99)).isEmpty();
    }

    @Test
    void reRankingTheWholeIndexEqualsAugmentingEveryVector() {
        Random rnd = new Random(7);
        Index ix = new Index();
        for (long id = 0; id < 60; id++) {
            float[] v = new float[8];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) rnd.nextGaussian() + (j == id % 4 ? 2 : 0); // four loose clusters
            }
            ix.add(id, v);
        }
        DatabaseAugmentation dba = DatabaseAugmentation.alpha(3, 3).withDepth(60);
        // every vector augmented up front, independently of the class under test
        Map<Long, float[]> augmented = new HashMap<>();
        ix.vectors.forEach((id, v) -> {
            float[] sum = v.clone();
            for (Match m : ix.search(v, 4)) {
                if (m.id() != id) {
                    double w = Math.pow(Math.max(0, m.score()), 3);
                    float[] d = ix.vectors.get(m.id());
                    for (int j = 0; j < sum.length; j++) {
                        sum[j] += (float) (w * d[j]);
                    }
                }
            }
            augmented.put(id, normalise(sum));
        });
        float[] q = ix.vectors.get(5L);
        List<Long> exact = augmented.keySet().stream()
                .sorted(Comparator.comparingDouble((Long id) -> -dot(q, augmented.get(id)))).limit(10).toList();
        List<Match> got = dba.session(ix::vectors, ix::search, ix::batch).search(q, 10);
        assertThat(got.stream().map(Match::id).toList()).isEqualTo(exact);
        assertThat(got.stream().map(Match::rank).toList()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat((double) got.get(0).score()).isCloseTo(dot(q, augmented.get(exact.get(0))), within(1e-5));
        // the plain ranking is a different one: the test would notice re-ranking that did nothing
        assertThat(ix.search(q, 10).stream().map(Match::id).toList()).isNotEqualTo(exact);
    }

    @Test
    void onlyTheTopDepthOfThePlainSearchIsReRanked() {
        Index ix = new Index().add(1, 1, 0).add(2, 0.9f, 0.1f).add(3, 0.5f, 0.5f).add(4, 0, 1);
        List<Integer> asked = new ArrayList<>();
        BiFunction<float[], Integer, List<Match>> plain = (v, k) -> {
            asked.add(k);
            return ix.search(v, k);
        };
        List<Match> got = DatabaseAugmentation.average(1).withDepth(2).session(ix::vectors, plain, ix::batch)
                .search(new float[] {1, 0}, 1);
        assertThat(asked).containsExactly(2); // the depth, not k and not the whole index
        assertThat(got).extracting(Match::id).containsExactly(1L);
        asked.clear();
        assertThat(DatabaseAugmentation.average(1).withDepth(2).session(ix::vectors, plain, ix::batch)
                .search(new float[] {1, 0}, 4)).hasSize(4);
        assertThat(asked).containsExactly(4); // k above the depth: k results are re-ranked
    }

    @Test
    void anExcludedImageIsNeitherAResultNorANeighbour() {
        Index with = new Index().add(1, 1, 0, 0).add(2, 0.9f, 0.3f, 0).add(3, 0.7f, 0, 0.7f).add(4, 0.2f, 1, 0)
                .add(5, 0, 0.3f, 1);
        Index without = new Index();
        with.vectors.forEach((id, v) -> {
            if (id != 2) {
                without.vectors.put(id, v);
            }
        });
        SearchRefinement r = new SearchRefinement(QueryExpansion.alpha(2, 3), DatabaseAugmentation.alpha(2, 3));
        float[] q = with.vectors.get(2L);
        List<Match> excluded = r.search(q, 4, with::vectors, with::search, with::batch, Set.of(2L));
        List<Match> absent = r.search(q, 4, without::vectors, without::search, without::batch, Set.of());
        assertThat(excluded).isEqualTo(absent);
        assertThat(excluded).extracting(Match::id).doesNotContain(2L).hasSize(4);
    }

    @Test
    void theRefinementsComposeAndNoneIsThePlainSearch() {
        Index ix = new Index().add(1, 1, 0).add(2, 0.9f, 0.4f).add(3, 0.2f, 1).add(4, 0.6f, 0.8f);
        float[] q = {1, 0.1f};
        BiFunction<float[], Integer, List<Match>> plain = ix::search;
        assertThat(SearchRefinement.NONE.search(q, 3, ix::vectors, plain, ix::batch, Set.of())).isEqualTo(ix.search(q, 3));
        QueryExpansion qe = QueryExpansion.average(2);
        assertThat(new SearchRefinement(qe, null).search(q, 3, ix::vectors, plain, ix::batch, Set.of()))
                .isEqualTo(qe.search(q, ix.search(q, 3), ix::vector, plain, 3));
        assertThat(ix.reads).as("query expansion reads its top 2 in one go").isEqualTo(1);
        DatabaseAugmentation dba = DatabaseAugmentation.average(1);
        assertThat(new SearchRefinement(null, dba).search(q, 3, ix::vectors, plain, ix::batch, Set.of()))
                .isEqualTo(dba.session(ix::vectors, plain, ix::batch).search(q, 3));
        assertThat(new SearchRefinement(qe, dba).name()).isEqualTo("qe2+dba1");
        assertThat(SearchRefinement.NONE.name()).isEqualTo("plain");
    }

    @Test
    void anImageWithoutAStoredVectorKeepsItsPlainScore() {
        Index ix = new Index().add(1, 1, 0).add(2, 0.6f, 0.8f);
        List<Match> got = DatabaseAugmentation.average(1)
                .session(ids -> {
                    Map<Long, float[]> found = ix.vectors(ids);
                    found.remove(2L);
                    return found;
                }, ix::search, ix::batch).search(new float[] {1, 0}, 2);
        assertThat(got.get(1).id()).isEqualTo(2);
        assertThat((double) got.get(1).score()).isCloseTo(0.6, within(1e-6));
    }

    @Test
    void readsStoredVectorsInTwoBatchesPerSearchAndEachOnce() {
        Random r = new Random(7);
        Index ix = new Index();
        for (long id = 0; id < 200; id++) {
            ix.add(id, (float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian());
        }
        DatabaseAugmentation.Session s = DatabaseAugmentation.alpha(5, 3).session(ix::vectors, ix::search, ix::batch);
        s.search(new float[] {1, 0, 0}, 10);
        assertThat(ix.reads).as("candidates, then their neighbours").isEqualTo(2);
        assertThat(ix.asked).doesNotHaveDuplicates();
        int asked = ix.asked.size();
        s.search(new float[] {0.9f, 0.1f, 0}, 10); // mostly the same candidates: only the new ones are read
        assertThat(ix.asked).doesNotHaveDuplicates().hasSizeLessThan(2 * asked);
    }

    @Test
    void parsesAndRejects() {
        assertThat(DatabaseAugmentation.parse("10:3").name()).isEqualTo("dba10:a3");
        assertThat(DatabaseAugmentation.parse("2").name()).isEqualTo("dba2");
        assertThat(DatabaseAugmentation.parse("2").depth()).isEqualTo(DatabaseAugmentation.DEFAULT_DEPTH);
        assertThat(DatabaseAugmentation.alpha(5, 0.5).withDepth(7).depth()).isEqualTo(7);
        assertThatThrownBy(() -> DatabaseAugmentation.parse("x"))
                .hasMessageContaining("database augmentation 'x': expected N or N:ALPHA");
        assertThatThrownBy(() -> DatabaseAugmentation.average(0))
                .hasMessageContaining("database augmentation needs >= 1 neighbour");
        assertThatThrownBy(() -> DatabaseAugmentation.alpha(2, -1)).hasMessageContaining("database augmentation alpha");
        assertThatThrownBy(() -> DatabaseAugmentation.average(1).withDepth(0)).hasMessageContaining("depth");
    }
}
