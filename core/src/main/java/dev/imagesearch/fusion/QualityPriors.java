package dev.imagesearch.fusion;

import dev.imagesearch.search.IndexedModel;
import dev.imagesearch.embed.Embedder;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Default fusion weights from each model's measured quality.
 *
 * <p>A model's <em>quality prior</em> is the class-level mAP@10 that the project's {@code eval labelled} command
 * measured for it on the project's labelled set, stored as {@value #KEY} in its {@code model.properties} (written
 * by {@code scripts/models/provision.sh} from {@code scripts/models/quality.tsv}). The rule:
 * <pre>  w_m = (q_m / max_j q_j) ^ γ</pre>
 * with γ = {@link Fusion#DEFAULT_PRIOR_EXPONENT}, and {@code w_m = 0} — the model is left out — when
 * {@code q_m / max_j q_j < }{@value #MIN_RELATIVE_QUALITY}: a model of less than half the best one's quality cannot
 * be trusted to fix the best one's mistakes on a new collection, only to add its own (measured in
 * docs/EVALUATION.md). Models of about equal quality keep about equal weights. γ = 0 gives equal weights (and
 * leaves no model out). When any fused model has no prior the models cannot be compared, and all weigh 1.
 *
 * <p>A model whose metadata says it is a variant of another ({@value #VARIANT_KEY}{@code =BASE}: e.g. an INT8
 * quantisation of {@code BASE}) computes the same descriptor: measured on the duplicates set, the two vectors of one
 * image have cosine 0.87–0.998 (median 0.99), against at most 0.41 between different networks. Fusing the two
 * adds no independent evidence, and their average lands between them (docs/EVALUATION.md), so when a model and
 * its variant (or two variants of one base) are fused, only the one with the highest prior keeps its weight (on a
 * tie, the base model, else the first named); the others are left out.
 */
public final class QualityPriors {

    /** The {@code model.properties} key of the quality prior. */
    public static final String KEY = "quality.map10";

    /** Below this share of the best fused model's quality a model is left out of the default weights. */
    public static final double MIN_RELATIVE_QUALITY = 0.5;

    /** The {@code model.properties} key naming the model whose descriptor this model computes too. */
    public static final String VARIANT_KEY = "descriptor.variant-of";

    private QualityPriors() {
    }

    /**
     * The prior of an embedder, from its {@link Embedder#properties()}: empty when absent.
     *
     * @throws IllegalArgumentException when the value is not a number in (0, 1]
     */
    public static OptionalDouble of(Embedder embedder) {
        String v = embedder.properties().get(KEY);
        if (v == null || v.isBlank()) {
            return OptionalDouble.empty();
        }
        double q;
        try {
            q = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Model " + embedder.name() + ": " + KEY + " '" + v
                    + "' is not a number", e);
        }
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("Model " + embedder.name() + ": " + KEY + " must be in (0, 1], was "
                    + v);
        }
        return OptionalDouble.of(q);
    }

    /** The priors of the models that have one, by model (collection) name. */
    public static Map<String, Double> of(Collection<IndexedModel> models) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (IndexedModel m : models) {
            of(m.embedder()).ifPresent(q -> out.put(m.name(), q));
        }
        return out;
    }

    /**
     * The models of {@code models} whose metadata names the model they are a variant of ({@value #VARIANT_KEY}),
     * by model (collection) name, each mapped to the collection of its base when the base is fused too (the
     * metadata names the base model, whose collection may have another name), else to the base's name. A variant
     * of a variant maps to the root of the chain, as far as the fused models' metadata tells.
     */
    public static Map<String, String> variants(Collection<IndexedModel> models) {
        Map<String, String> collectionOf = new HashMap<>(); // a model's own name -> its collection's name
        Map<String, String> baseOf = new HashMap<>();
        for (IndexedModel m : models) {
            collectionOf.put(m.embedder().name(), m.name());
            String v = m.embedder().properties().get(VARIANT_KEY);
            if (v != null && !v.isBlank()) {
                baseOf.put(m.embedder().name(), v.trim());
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (IndexedModel m : models) {
            String root = m.embedder().name();
            Set<String> seen = new HashSet<>();
            while (baseOf.containsKey(root) && seen.add(root)) {
                root = baseOf.get(root);
            }
            if (!root.equals(m.embedder().name())) {
                out.put(m.name(), collectionOf.getOrDefault(root, root));
            }
        }
        return out;
    }

    /**
     * Weights of {@code models} by the rule above: the best model weighs 1. Every model weighs 1 when one of them
     * has no prior.
     *
     * @param priors   quality priors by model name
     * @param models   the models fused
     * @param exponent γ, &gt;= 0
     */
    public static Map<String, Double> weights(Map<String, Double> priors, Collection<String> models,
                                              double exponent) {
        return weights(priors, Map.of(), models, exponent);
    }

    /**
     * Weights of {@code models} by the rule above, variants included: of the fused models that compute one
     * descriptor (a base model and its variants, by {@code variants}), only the one with the highest prior keeps
     * its weight when γ &gt; 0.
     *
     * @param priors   quality priors by model name
     * @param variants model name → the base model it is a variant of ({@link #variants(Collection)})
     * @param models   the models fused
     * @param exponent γ, &gt;= 0
     */
    public static Map<String, Double> weights(Map<String, Double> priors, Map<String, String> variants,
                                              Collection<String> models, double exponent) {
        Map<String, Double> out = relativeWeights(priors, models, exponent);
        if (exponent == 0 || !priors.keySet().containsAll(models)) { // equal weights, or models not comparable
            return out;
        }
        Map<String, String> kept = new LinkedHashMap<>(); // base descriptor → the fused model that stays
        for (String m : models) {
            String base = variants.getOrDefault(m, m);
            String other = kept.get(base);
            if (other == null) {
                kept.put(base, m);
                continue;
            }
            double q = priors.get(m);
            double qo = priors.get(other);
            boolean replaces = q > qo || q == qo && m.equals(base);
            out.put(replaces ? other : m, 0.0);
            if (replaces) {
                kept.put(base, m);
            }
        }
        return out;
    }

    private static Map<String, Double> relativeWeights(Map<String, Double> priors, Collection<String> models,
                                                       double exponent) {
        if (!(exponent >= 0) || Double.isInfinite(exponent)) {
            throw new IllegalArgumentException("prior exponent must be finite and >= 0, was " + exponent);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        double best = 0;
        for (String m : models) {
            Double q = priors.get(m);
            if (q == null) {
                models.forEach(x -> out.put(x, 1.0));
                return out;
            }
            best = Math.max(best, q);
        }
        for (String m : models) {
            double relative = priors.get(m) / best;
            out.put(m, exponent > 0 && relative < MIN_RELATIVE_QUALITY ? 0.0 : Math.pow(relative, exponent));
        }
        return out;
    }
}
