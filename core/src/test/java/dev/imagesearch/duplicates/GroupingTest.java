package dev.imagesearch.duplicates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imagesearch.store.Metric;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupingTest {

    /** A unit vector in the x-y plane at this angle. */
    private static float[] at(double radians) {
        return new float[] {(float) Math.cos(radians), (float) Math.sin(radians), 0};
    }

    private static List<Grouping.Edge> allEdges(Grouping g, int n, double z0) {
        List<Grouping.Edge> edges = new ArrayList<>();
        for (int a = 0; a < n; a++) {
            for (int b = a + 1; b < n; b++) {
                double z = g.pairZ(a, b);
                if (z >= z0) {
                    edges.add(new Grouping.Edge(a, b, z));
                }
            }
        }
        return edges;
    }

    private static List<List<Integer>> members(List<Grouping.Component> groups) {
        return groups.stream().map(c -> Arrays.stream(c.members()).boxed().toList()).toList();
    }

    @Test
    void averageLinkageDoesNotChainWhatSingleLinkageChains() {
        double step = Math.acos(0.8); // A~B 0.8, B~C 0.8, A~C cos(2 step) = 0.28
        float[][] v = {at(0), at(step), at(2 * step)};
        Grouping.Scale cosine = new Grouping.Scale(Metric.COSINE, 0.7);
        Grouping g = new Grouping(new Grouping.Scale[] {cosine}, new float[][][] {v});
        assertThat(cosine.score(g.pairZ(0, 1))).isCloseTo(0.8, within(1e-6));
        assertThat(cosine.score(g.pairZ(0, 2))).isCloseTo(0.28, within(1e-6));
        double z0 = cosine.z(0.7);
        List<Grouping.Edge> edges = allEdges(g, 3, z0);
        assertThat(edges).hasSize(2); // A-B and B-C pass, A-C does not

        assertThat(members(g.group(edges, z0, Linkage.SINGLE))).containsExactly(List.of(0, 1, 2));
        // average: C joins {A, B} only if the mean of 0.8 (B) and 0.28 (A) passed 0.7: it does not
        List<Grouping.Component> avg = g.group(edges, z0, Linkage.AVERAGE);
        assertThat(avg).hasSize(1);
        assertThat(avg.get(0).members()).hasSize(2).contains(1);
        assertThat(cosine.score(avg.get(0).minZ())).isCloseTo(0.8, within(1e-6));
    }

    @Test
    void eachEdgeMayHaveItsOwnMergeFloor() {
        float[][] v = {at(0), at(0.1), at(0.2), at(0.3)}; // all within cos 0.3 = 0.955 of each other
        Grouping.Scale cosine = new Grouping.Scale(Metric.COSINE, 0.9);
        Grouping g = new Grouping(new Grouping.Scale[] {cosine}, new float[][][] {v});
        double z0 = cosine.z(0.9);
        List<Grouping.Edge> edges = allEdges(g, 4, z0);
        assertThat(members(g.group(edges, z0, Linkage.AVERAGE))).containsExactly(List.of(0, 1, 2, 3));
        // a floor above every score merges nothing, except through the edge whose floor is low
        Grouping.Edge low = edges.stream().filter(e -> e.a() == 1 && e.b() == 2).findFirst().orElseThrow();
        assertThat(members(g.group(edges, e -> e.equals(low) ? z0 : 2.0, Linkage.AVERAGE)))
                .containsExactly(List.of(1, 2));
    }

    @Test
    void copiesCloseToEachOtherStayOneGroupUnderAverageLinkage() {
        // an original and three copies within 0.9 of each other, plus a look-alike 0.75 from the original
        float[][] v = {at(0), at(0.1), at(-0.1), at(0.2), at(Math.acos(0.75))};
        Grouping.Scale cosine = new Grouping.Scale(Metric.COSINE, 0.85);
        Grouping g = new Grouping(new Grouping.Scale[] {cosine}, new float[][][] {v});
        double z0 = cosine.z(0.85);
        assertThat(members(g.group(allEdges(g, 5, z0), z0, Linkage.AVERAGE))).containsExactly(List.of(0, 1, 2, 3));
        // a lower threshold lets the look-alike in through the closest copy in single linkage
        double low = cosine.z(0.6);
        assertThat(members(g.group(allEdges(g, 5, low), low, Linkage.SINGLE))).containsExactly(
                List.of(0, 1, 2, 3, 4));
    }

    @Test
    void fusedScoresAverageEachModelsScaledScoreAndL2IsADistance() {
        // model 1 (cosine, threshold 0.7) scores the pair 0.9 (scaled 2/3); model 2 (L2, threshold 0.4) puts the
        // same pair at squared distance 0.8 (scaled -1): the mean, -1/6, fails
        float[][] m1 = {at(0), at(Math.acos(0.9))};
        float[][] m2 = {at(0), at(Math.acos(0.6))}; // |a-b|^2 = 2 - 2 * 0.6 = 0.8
        Grouping.Scale s1 = new Grouping.Scale(Metric.COSINE, 0.7);
        Grouping.Scale s2 = new Grouping.Scale(Metric.L2, 0.4);
        Grouping g = new Grouping(new Grouping.Scale[] {s1, s2}, new float[][][] {m1, m2});
        assertThat(g.pairZ(0, 1)).isCloseTo((2.0 / 3 - 1) / 2, within(1e-6));
        assertThat(g.group(allEdges(g, 2, 0), 0, Linkage.AVERAGE)).isEmpty();
        // with model 2 agreeing (distance 0.1, scaled 0.75) the pair passes
        float[][] m2close = {at(0), at(Math.acos(0.95))};
        Grouping agree = new Grouping(new Grouping.Scale[] {s1, s2}, new float[][][] {m1, m2close});
        assertThat(members(agree.group(allEdges(agree, 2, 0), 0, Linkage.AVERAGE))).containsExactly(List.of(0, 1));
        // in the primary model's units a scaled score of 0 is its threshold
        assertThat(s1.score(0)).isEqualTo(0.7);
        assertThat(s2.score(1)).isEqualTo(0);
    }

    @Test
    void aPairMustStandOutOfBothImagesBackgroundUnlessItIsSure() {
        Grouping.Scale cosine = new Grouping.Scale(Metric.COSINE, 0.6);
        float[][] v = {at(0), at(0.1), at(0.2), at(0.3)};
        Grouping g = new Grouping(new Grouping.Scale[] {cosine}, new float[][][] {v});
        // scaled scores: pair 0-1 at 0.5 (cos 0.8), pair 2-3 at 0.8 (cos 0.92: past SURE, 0.7)
        List<Grouping.Edge> edges = List.of(new Grouping.Edge(0, 1, 0.5), new Grouping.Edge(2, 3, 0.8));
        // image 1's farthest neighbour scores 0.45 (scaled): 0.5 stands out by 0.05 only; image 3's by 0.8 - 0.75
        double[] background = {0.1, 0.45, 0.1, 0.75};
        Candidates c = new Candidates(List.of(1L, 2L, 3L, 4L), cosine, g, edges,
                background, 0.1, 0);
        assertThat(c.edges(0)).extracting(Grouping.Edge::a).containsExactly(2);
        // image 1 in a sparser neighbourhood: the pair stands out
        background[1] = 0.2;
        assertThat(c.edges(0)).extracting(Grouping.Edge::a).containsExactly(0, 2);
        // a margin of 0 is the plain threshold
        Candidates none = new Candidates(List.of(1L, 2L, 3L, 4L), cosine, g, edges,
                new double[] {0.9, 0.9, 0.9, 0.9}, 0, 0);
        assertThat(none.edges(0.6)).extracting(Grouping.Edge::a).containsExactly(2);
    }
}
