package dev.imagesearch.duplicates;

import dev.imagesearch.store.Metric;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Turns scored candidate pairs into groups, with one or several models. Each model's score is put on a common
 * scale by its own threshold ({@link Scale}: threshold → 0, a perfect match → 1) and the models' scaled scores
 * are averaged, so that models whose raw similarities live on different ranges can be fused.
 */
final class Grouping {

    /**
     * One model's score scale.
     *
     * @param metric    the collection's metric (cosine and IP: dot products; L2: squared distances)
     * @param threshold the model's duplicate threshold in that metric
     */
    record Scale(Metric metric, double threshold) {
        double z(double score) {
            return metric.higherIsBetter() ? (score - threshold) / Math.max(1e-9, 1 - threshold)
                    : (threshold - score) / Math.max(1e-9, threshold);
        }

        double score(double z) {
            return metric.higherIsBetter() ? threshold + z * Math.max(1e-9, 1 - threshold)
                    : threshold - z * Math.max(1e-9, threshold);
        }
    }

    /** A candidate pair of image indices and its fused scaled score. */
    record Edge(int a, int b, double z) {
    }

    /** A group of two or more image indices; the scaled scores of the weakest and strongest links used. */
    record Component(int[] members, double minZ, double maxZ) {
    }

    private final Scale[] scales;
    private final float[][][] vectors;

    /**
     * @param scales  one per model
     * @param vectors [model][image]: the vector (unit length for cosine), or null for an image that is in no
     *                candidate pair
     */
    Grouping(Scale[] scales, float[][][] vectors) {
        this.scales = scales.clone();
        this.vectors = vectors;
    }

    /** The fused scaled score of two images: the mean over the models of each model's scaled score. */
    double pairZ(int a, int b) {
        double sum = 0;
        for (int m = 0; m < scales.length; m++) {
            float[] x = vectors[m][a];
            float[] y = vectors[m][b];
            double s = scales[m].metric() == Metric.L2 ? squaredNorm(x) + squaredNorm(y) - 2 * dot(x, y) : dot(x, y);
            sum += scales[m].z(s);
        }
        return sum / scales.length;
    }

    /**
     * Groups the images linked by {@code edges} (every one with {@code z >= z0}), strongest link first. Single
     * linkage takes every edge; average linkage merges two groups only when the mean scaled score over all pairs
     * across them is at least {@code z0}. Cost: sorting the edges plus O(models × dimension) per merge attempt.
     */
    List<Component> group(List<Edge> edges, double z0, Linkage linkage) {
        return group(edges, e -> z0, linkage);
    }

    /** As {@link #group(List, double, Linkage)}, with average linkage's floor given per linking edge. */
    List<Component> group(List<Edge> edges, ToDoubleFunction<Edge> mergeZ, Linkage linkage) {
        int n = vectors[0].length;
        int[] parent = new int[n];
        int[] size = new int[n];
        double[] lo = new double[n];
        double[] hi = new double[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
            size[i] = 1;
            lo[i] = Double.POSITIVE_INFINITY;
            hi[i] = Double.NEGATIVE_INFINITY;
        }
        // per model and root of two or more images: the sum of the members' vectors and of their squared norms
        // (average linkage); a single image is its own vector, so that only merged groups take memory
        double[][][] sums = new double[scales.length][n][];
        double[][] squares = new double[scales.length][n];
        List<Edge> sorted = new ArrayList<>(edges);
        sorted.sort(Comparator.comparingDouble(Edge::z).reversed().thenComparingInt(Edge::a)
                .thenComparingInt(Edge::b));
        for (Edge e : sorted) {
            int ra = find(parent, e.a());
            int rb = find(parent, e.b());
            if (ra == rb) {
                continue;
            }
            if (linkage == Linkage.AVERAGE && meanZ(sums, squares, size, ra, rb) < mergeZ.applyAsDouble(e)) {
                continue;
            }
            if (size[ra] < size[rb]) { // the bigger root stays: fewer sums to move
                int t = ra;
                ra = rb;
                rb = t;
            }
            if (linkage == Linkage.AVERAGE) {
                for (int m = 0; m < scales.length; m++) {
                    squares[m][ra] = square(squares, size, m, ra) + square(squares, size, m, rb);
                    double[] s = sums[m][ra] != null ? sums[m][ra] : toDouble(vectors[m][ra]);
                    if (sums[m][rb] != null) {
                        double[] t = sums[m][rb];
                        for (int d = 0; d < s.length; d++) {
                            s[d] += t[d];
                        }
                    } else {
                        float[] t = vectors[m][rb];
                        for (int d = 0; d < s.length; d++) {
                            s[d] += t[d];
                        }
                    }
                    sums[m][ra] = s;
                    sums[m][rb] = null;
                }
            }
            parent[rb] = ra;
            size[ra] += size[rb];
            lo[ra] = Math.min(Math.min(lo[ra], lo[rb]), e.z());
            hi[ra] = Math.max(Math.max(hi[ra], hi[rb]), e.z());
        }
        Map<Integer, List<Integer>> byRoot = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            if (size[find(parent, i)] > 1) {
                byRoot.computeIfAbsent(find(parent, i), r -> new ArrayList<>()).add(i);
            }
        }
        List<Component> out = new ArrayList<>();
        byRoot.forEach((root, members) -> out.add(new Component(members.stream().mapToInt(Integer::intValue)
                .toArray(), lo[root], hi[root])));
        return out;
    }

    /** Mean fused scaled score over all pairs across two groups, from their vector sums. */
    private double meanZ(double[][][] sums, double[][] squares, int[] size, int ra, int rb) {
        double pairs = (double) size[ra] * size[rb];
        double z = 0;
        for (int m = 0; m < scales.length; m++) {
            double dot = crossDot(sums[m][ra], vectors[m][ra], sums[m][rb], vectors[m][rb]) / pairs;
            double mean = scales[m].metric() == Metric.L2 ? square(squares, size, m, ra) / size[ra]
                    + square(squares, size, m, rb) / size[rb] - 2 * dot : dot;
            z += scales[m].z(mean);
        }
        return z / scales.length;
    }

    /** Dot product of two groups' vector sums; a null sum stands for a single image's vector. */
    private static double crossDot(double[] sa, float[] va, double[] sb, float[] vb) {
        if (sa == null && sb == null) {
            return dot(va, vb);
        }
        if (sa == null) {
            return dot(sb, va);
        }
        return sb == null ? dot(sa, vb) : dot(sa, sb);
    }

    private double square(double[][] squares, int[] size, int m, int root) {
        return size[root] == 1 ? squaredNorm(vectors[m][root]) : squares[m][root];
    }

    private static double[] toDouble(float[] v) {
        double[] s = new double[v.length];
        for (int d = 0; d < v.length; d++) {
            s[d] = v[d];
        }
        return s;
    }

    private static double dot(double[] x, float[] y) {
        double s = 0;
        for (int d = 0; d < x.length; d++) {
            s += x[d] * y[d];
        }
        return s;
    }

    private static double dot(float[] x, float[] y) {
        double s = 0;
        for (int d = 0; d < x.length; d++) {
            s += (double) x[d] * y[d];
        }
        return s;
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int d = 0; d < x.length; d++) {
            s += x[d] * y[d];
        }
        return s;
    }

    private static double squaredNorm(float[] x) {
        return dot(x, x);
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }
}
