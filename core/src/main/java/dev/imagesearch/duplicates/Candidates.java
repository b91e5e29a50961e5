package dev.imagesearch.duplicates;

import java.util.List;

/** Candidate pairs and vectors, ready to be grouped at any threshold at least as strict as they were made for. */
final class Candidates {
    final List<Long> ids;
    final Grouping.Scale primary;
    final Grouping grouping;
    final List<Grouping.Edge> edges;
    final double[] background;
    final double margin;
    final int skipped;

    Candidates(List<Long> ids, Grouping.Scale primary, Grouping grouping, List<Grouping.Edge> edges,
               double[] background, double margin, int skipped) {
        this.ids = ids;
        this.primary = primary;
        this.grouping = grouping;
        this.edges = edges;
        this.background = background;
        this.margin = margin;
        this.skipped = skipped;
    }

    /** A threshold in the primary model's units on the fused scale. */
    double z(double threshold) {
        return primary.z(threshold);
    }

    /** The edges that pass {@code z0} and stand out of both images' background by the margin. */
    List<Grouping.Edge> edges(double z0) {
        return edges.stream().filter(e -> e.z() >= z0 && (margin <= 0 || e.z() >= z0 + DuplicateFinder.SURE * (1 - z0)
                || e.z() - Math.max(background[e.a()], background[e.b()]) >= margin)).toList();
    }
}
