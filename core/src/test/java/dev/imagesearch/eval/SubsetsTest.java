package dev.imagesearch.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.fusion.Fusion;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubsetsTest {

    @Test
    void everyPairAndTripleInOrderAndOnlyProperSubsets() {
        List<String> m = List.of("a", "b", "c", "d");
        assertThat(Subsets.of(m, List.of(2))).containsExactly(List.of("a", "b"), List.of("a", "c"),
                List.of("a", "d"), List.of("b", "c"), List.of("b", "d"), List.of("c", "d"));
        assertThat(Subsets.of(m, List.of(3))).hasSize(4).startsWith(List.of("a", "b", "c"));
        // the whole set is the plain fusion; 1 is a single model
        assertThat(Subsets.of(m, List.of(1, 4, 5))).isEmpty();
        assertThat(Subsets.name(Fusion.weighted(), List.of("a", "c"))).isEqualTo("minmax a+c");
    }
}
