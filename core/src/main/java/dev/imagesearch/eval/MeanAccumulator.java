package dev.imagesearch.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/** Sums metrics per method, to report means. */
final class MeanAccumulator {
    private final Map<String, Map<String, double[]>> sums = new LinkedHashMap<>();
    private final Map<String, Integer> counts = new LinkedHashMap<>();
    private final Map<String, Boolean> fused = new LinkedHashMap<>();

    void add(String method, boolean isFused, Map<String, Double> values) {
        fused.putIfAbsent(method, isFused);
        counts.merge(method, 1, Integer::sum);
        Map<String, double[]> m = sums.computeIfAbsent(method, x -> new LinkedHashMap<>());
        values.forEach((k, v) -> m.computeIfAbsent(k, x -> new double[1])[0] += v);
    }

    /** Makes sure a method is listed (with 0 queries) even when it never answered. */
    void declare(String method, boolean isFused) {
        fused.putIfAbsent(method, isFused);
        counts.putIfAbsent(method, 0);
        sums.putIfAbsent(method, new LinkedHashMap<>());
    }

    java.util.List<MethodScores> means() {
        java.util.List<MethodScores> out = new java.util.ArrayList<>();
        for (String method : counts.keySet()) {
            int n = counts.get(method);
            Map<String, Double> means = new LinkedHashMap<>();
            sums.get(method).forEach((k, v) -> means.put(k, n == 0 ? Double.NaN : v[0] / n));
            out.add(new MethodScores(method, fused.get(method), n, means));
        }
        return out;
    }
}
