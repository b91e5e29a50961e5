package dev.imagesearch.eval;

import dev.imagesearch.search.IndexedModel;
import dev.imagesearch.fusion.Fusion;
import dev.imagesearch.fusion.ModelResults;
import dev.imagesearch.fusion.QualityPriors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Subsets of an index's models, to evaluate fusions of every pair, triple, ... from one set of searches. */
final class Subsets {

    private Subsets() {
    }

    /** Every subset of the names of each size in {@code sizes} (sizes outside 2..n−1 give none). */
    static List<List<String>> of(List<String> names, List<Integer> sizes) {
        List<List<String>> out = new ArrayList<>();
        for (int size : sizes) {
            if (size >= 2 && size < names.size()) {
                collect(names, size, 0, new ArrayList<>(), out);
            }
        }
        return out;
    }

    private static void collect(List<String> names, int size, int from, List<String> cur, List<List<String>> out) {
        if (cur.size() == size) {
            out.add(List.copyOf(cur));
            return;
        }
        for (int i = from; i < names.size(); i++) {
            cur.add(names.get(i));
            collect(names, size, i + 1, cur, out);
            cur.remove(cur.size() - 1);
        }
    }

    static List<ModelResults> select(List<ModelResults> lists, List<String> subset) {
        return lists.stream().filter(r -> subset.contains(r.model())).toList();
    }

    static String name(Fusion f, List<String> subset) {
        return f.name() + " " + String.join("+", subset);
    }

    /** The fusions, each with the models' quality priors unless it has priors already. */
    static List<Fusion> withPriors(List<Fusion> fusions, List<IndexedModel> models) {
        Map<String, Double> priors = QualityPriors.of(models);
        Map<String, String> variants = QualityPriors.variants(models);
        return fusions.stream().map(f -> f.priors().isEmpty() ? f.withPriors(priors, variants) : f).toList();
    }
}
