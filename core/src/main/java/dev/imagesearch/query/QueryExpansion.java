package dev.imagesearch.query;

import dev.imagesearch.search.Match;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.LongFunction;

/**
 * Query expansion (Chum et al. 2007; α-weighted as in Radenović et al., TPAMI 2018): search once, then search
 * again with the query plus its top {@code n} neighbours' stored vectors,
 * <pre>  q' = normalise(q + Σ_{i ≤ n} w_i · d_i),   w_i = max(0, s_i)^α</pre>
 * where {@code s_i} is neighbour i's score. α = 0 is average query expansion (AQE, every neighbour counts once);
 * a larger α trusts close neighbours more. Costs one more search and {@code n} vector reads per query. Immutable.
 *
 * <p>Only for similarity metrics (cosine, inner product) on L2-normalised vectors.
 */
public final class QueryExpansion {

    private final int neighbours;
    private final double alpha;

    private QueryExpansion(int neighbours, double alpha) {
        if (neighbours < 1) {
            throw new IllegalArgumentException("query expansion needs >= 1 neighbour, was " + neighbours);
        }
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("query expansion alpha must be finite and >= 0, was " + alpha);
        }
        this.neighbours = neighbours;
        this.alpha = alpha;
    }

    /** Average query expansion over the top {@code n}. */
    public static QueryExpansion average(int n) {
        return new QueryExpansion(n, 0);
    }

    /** α-weighted query expansion over the top {@code n}. */
    public static QueryExpansion alpha(int n, double alpha) {
        return new QueryExpansion(n, alpha);
    }

    /**
     * Parses {@code N} (average QE over the top N) or {@code N:ALPHA} (α-weighted).
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static QueryExpansion parse(String spec) {
        String[] p = spec.trim().split(":", 2);
        try {
            int n = Integer.parseInt(p[0].trim());
            return p.length == 1 ? average(n) : alpha(n, Double.parseDouble(p[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("query expansion '" + spec + "': expected N or N:ALPHA, e.g. 2 or 3:3");
        }
    }

    public int neighbours() {
        return neighbours;
    }

    public double alpha() {
        return alpha;
    }

    /** {@code qe2} (average) or {@code qe3:a3} (α-weighted). */
    public String name() {
        return alpha == 0 ? "qe" + neighbours
                : String.format(Locale.ROOT, "qe%d:a%s", neighbours, alpha == Math.rint(alpha)
                        ? String.valueOf((long) alpha) : String.valueOf(alpha));
    }

    @Override
    public String toString() {
        return name();
    }

    /**
     * The expanded query: {@code normalise(q + Σ w_i d_i)} over the first {@link #neighbours()} of
     * {@code neighbourVectors} (fewer when there are fewer), with {@code scores} their first-round scores.
     *
     * @throws IllegalArgumentException when a vector's length differs from the query's, or the lists differ in size
     */
    public float[] expand(float[] query, List<float[]> neighbourVectors, List<Float> scores) {
        if (neighbourVectors.size() != scores.size()) {
            throw new IllegalArgumentException("neighbour vectors and scores differ in size: "
                    + neighbourVectors.size() + " vs " + scores.size());
        }
        double[] sum = new double[query.length];
        for (int j = 0; j < query.length; j++) {
            sum[j] = query[j];
        }
        for (int i = 0; i < Math.min(neighbours, neighbourVectors.size()); i++) {
            float[] d = neighbourVectors.get(i);
            if (d.length != query.length) {
                throw new IllegalArgumentException("neighbour vector " + i + " has " + d.length
                        + " elements, the query " + query.length);
            }
            double w = alpha == 0 ? 1 : Math.pow(Math.max(0, scores.get(i)), alpha);
            for (int j = 0; j < d.length; j++) {
                sum[j] += w * d[j];
            }
        }
        double norm = 0;
        for (double v : sum) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[query.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = norm > 0 ? (float) (sum[j] / norm) : 0f;
        }
        return out;
    }

    /**
     * Expands a query whose first-round results are {@code first} and searches again.
     *
     * @param query   the query vector
     * @param first   its first-round results, best first (already without anything the caller excludes)
     * @param vectors an indexed image's stored vector by id (empty when it has none: that neighbour is skipped)
     * @param search  searches the index: (vector, k) → results best first
     * @param k       how many results to return
     */
    public List<Match> search(float[] query, List<Match> first, LongFunction<Optional<float[]>> vectors,
                              BiFunction<float[], Integer, List<Match>> search, int k) {
        List<float[]> vs = new java.util.ArrayList<>();
        List<Float> ss = new java.util.ArrayList<>();
        for (Match m : first) {
            if (vs.size() == neighbours) {
                break;
            }
            Optional<float[]> v = vectors.apply(m.id());
            if (v.isPresent()) {
                vs.add(v.get());
                ss.add(m.score());
            }
        }
        return vs.isEmpty() ? first.subList(0, Math.min(k, first.size())) : search.apply(expand(query, vs, ss), k);
    }
}
