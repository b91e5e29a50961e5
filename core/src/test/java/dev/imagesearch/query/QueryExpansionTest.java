package dev.imagesearch.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imagesearch.search.Match;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Query expansion: the expanded vector computed by hand, and the second search it drives. */
class QueryExpansionTest {

    private static Match match(long id, float score) {
        return new Match(1, id, "/img/" + id, List.of("/img/" + id), score, "h" + id);
    }

    @Test
    void averageExpansionAddsTheTopNeighboursAndNormalises() {
        // q = (1,0,0); neighbours (0,1,0), (0,0,1), (0,1,0): top 2 → (1,1,1)/√3
        float[] e = QueryExpansion.average(2).expand(new float[] {1, 0, 0},
                List.of(new float[] {0, 1, 0}, new float[] {0, 0, 1}, new float[] {0, 1, 0}),
                List.of(0.9f, 0.5f, 0.4f));
        double r = 1 / Math.sqrt(3);
        assertThat((double) e[0]).isCloseTo(r, within(1e-6));
        assertThat((double) e[1]).isCloseTo(r, within(1e-6));
        assertThat((double) e[2]).isCloseTo(r, within(1e-6));
    }

    @Test
    void alphaWeightsEachNeighbourByItsScoreToThePowerAlpha() {
        // α = 2: w = 0.5² = 0.25 and 0 (a negative score counts as 0) → (1, 0.25, 0) / √1.0625
        float[] e = QueryExpansion.alpha(3, 2).expand(new float[] {1, 0, 0},
                List.of(new float[] {0, 1, 0}, new float[] {0, 0, 1}), List.of(0.5f, -0.3f));
        double n = Math.sqrt(1 + 0.0625);
        assertThat((double) e[0]).isCloseTo(1 / n, within(1e-6));
        assertThat((double) e[1]).isCloseTo(0.25 / n, within(1e-6));
        assertThat(e[2]).isZero();
    }

    @Test
    void searchReadsTheNeighboursVectorsAndSearchesAgain() {
        Map<Long, float[]> stored = Map.of(7L, new float[] {0, 1}, 8L, new float[] {1, 0});
        List<float[]> asked = new ArrayList<>();
        List<Match> second = List.of(match(8, 0.99f), match(7, 0.98f));
        List<Match> out = QueryExpansion.average(2).search(new float[] {1, 0},
                List.of(match(9, 0.95f), match(7, 0.9f), match(8, 0.5f)),
                id -> Optional.ofNullable(stored.get(id)), (v, k) -> {
                    asked.add(v);
                    return second.subList(0, k);
                }, 2);
        assertThat(out).isEqualTo(second);
        // 9 has no stored vector and is skipped: the top 2 that have one are 7 and 8 → (1,0)+(0,1)+(1,0) = (2,1)/√5
        assertThat(asked).hasSize(1);
        assertThat((double) asked.get(0)[0]).isCloseTo(2 / Math.sqrt(5), within(1e-6));
        assertThat((double) asked.get(0)[1]).isCloseTo(1 / Math.sqrt(5), within(1e-6));
        // nothing to expand with: the first results stay
        List<Match> first = List.of(match(9, 0.95f));
        assertThat(QueryExpansion.average(1).search(new float[] {1, 0}, first, id -> Optional.empty(),
                (v, k) -> List.of(), 5)).isEqualTo(first);
    }

    @Test
    void parsesAndRejects() {
        assertThat(QueryExpansion.parse("2").name()).isEqualTo("qe2");
        assertThat(QueryExpansion.parse("5:3").name()).isEqualTo("qe5:a3");
        assertThat(QueryExpansion.parse("5:0.5").alpha()).isEqualTo(0.5);
        assertThatThrownBy(() -> QueryExpansion.parse("x")).hasMessageContaining("expected N or N:ALPHA");
        assertThatThrownBy(() -> QueryExpansion.average(0)).hasMessageContaining(">= 1 neighbour");
        assertThatThrownBy(() -> QueryExpansion.alpha(1, -1)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> QueryExpansion.average(1).expand(new float[2], List.of(new float[3]),
                List.of(1f))).hasMessageContaining("has 3 elements, the query 2");
    }
}
