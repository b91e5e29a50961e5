package dev.imagesearch.eval;

/**
 * The mean metrics of one retrieval method (a single model, or a fusion of models) over a set of queries.
 *
 * @param method  the model's name, or the fusion's name ({@code rrf}, {@code minmax}, ...)
 * @param fused   whether this is a fusion of models
 * @param queries number of queries evaluated
 * @param metrics metric name → mean value, in a fixed order (see the evaluation that made it)
 */
public record MethodScores(String method, boolean fused, int queries, java.util.Map<String, Double> metrics) {
    public MethodScores {
        metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }

    /** One metric's value. */
    public double get(String metric) {
        Double v = metrics.get(metric);
        if (v == null) {
            throw new IllegalArgumentException("No metric '" + metric + "'; have " + metrics.keySet());
        }
        return v;
    }
}
