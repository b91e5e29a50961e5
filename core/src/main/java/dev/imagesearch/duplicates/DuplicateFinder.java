package dev.imagesearch.duplicates;

import dev.imagesearch.embed.Embedder;
import dev.imagesearch.idmap.ImageRecord;
import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.search.IndexedModel;
import dev.imagesearch.search.SimilaritySearch;
import dev.imagesearch.store.Metric;
import dev.imagesearch.store.VectorCollection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Groups near-identical indexed images: for each stored image, its {@link #neighbours()} nearest neighbours in each
 * model's collection (one k-NN query per image and model, never an N×N matrix) are the candidate pairs; a pair
 * whose score passes the threshold is a link, and links become groups by {@link Linkage#AVERAGE average linkage}
 * (default: two groups merge only when the mean score over all pairs across them passes the threshold, so that
 * similar-but-different photos do not chain) or by {@link Linkage#SINGLE single linkage} (connected components).
 *
 * <p>A score is also judged against its neighbourhood: a pair links only when it scores at least {@link
 * #margin()} above the background of both images, an image's background being the score of its farthest looked-at
 * neighbour (the {@code neighbours}-th). Photos of look-alike subjects (birds on white, fruit) score high with
 * many others, so their background is high; a copy stands out of its original's background. A pair well above the
 * threshold (see {@link #SURE}) needs no margin.
 *
 * <p>With several models ({@link Builder#models}; default: the primary model alone) each model's score is scaled by its own threshold
 * (threshold → 0, perfect → 1), the scaled scores are averaged, and the mean is reported in the primary (first)
 * model's units: with one model that is its raw score. A pair passes when that fused score passes the threshold.
 *
 * <p>Cost: the k-NN queries (N × models; with the embedded store each is a scan of the collection), then, for the
 * images in a candidate pair only, their vectors (held in memory), O(models × dimension) per candidate pair and
 * per merge attempt, and a sort of the candidate pairs (at most N × neighbours × models).
 *
 * <p>The stored vector is used when the collection can return it ({@link VectorCollection#vector(long)});
 * otherwise the image is decoded from its location and embedded again. An image whose vector cannot be had (in
 * any of the models) is skipped and counted in {@link Result#skipped()}.
 *
 * <p>Default thresholds come from the model's metadata ({@link Embedder#duplicateThreshold()}: an ONNX model's
 * {@code duplicates.threshold} in {@code model.properties}, calibrated with {@link DuplicateCalibration} on a
 * labelled set, docs/EVALUATION.md); a model without one gets {@link #FALLBACK_THRESHOLD}. They are cosine
 * similarities; for an {@link Metric#L2} collection of normalised vectors they are converted to the squared
 * distance 2 − 2·cos.
 */
public final class DuplicateFinder {

    private static final Logger LOG = LoggerFactory.getLogger(DuplicateFinder.class);

    /** Threshold (cosine) for a model whose metadata has none. */
    public static final double FALLBACK_THRESHOLD = 0.90;

    /** Default number of neighbours looked at per image. */
    public static final int DEFAULT_NEIGHBOURS = 10;

    /** Default {@link Builder#margin(double)}: calibrated with the thresholds (docs/EVALUATION.md). */
    public static final double DEFAULT_MARGIN = 0.12;

    /**
     * A pair this far from the threshold towards a perfect score (0.7: 70 % of the way) needs no margin: it is a
     * copy whatever the neighbourhood, so groups of more than {@code neighbours} copies still form.
     */
    static final double SURE = 0.7;

    private final SimilaritySearch search;
    private final List<IndexedModel> models;
    private final double threshold;
    private final int neighbours;
    private final Linkage linkage;
    private final double margin;
    private final PairVerifier verifier;

    private DuplicateFinder(Builder b) {
        this.search = b.search;
        this.models = b.models != null ? b.models : List.of(b.search.models().get(0));
        this.threshold = b.threshold != null ? b.threshold : defaultThreshold(models.get(0));
        this.neighbours = b.neighbours;
        this.linkage = b.linkage;
        this.margin = b.margin;
        this.verifier = b.verifier;
    }

    public static Builder builder(SimilaritySearch search) {
        return new Builder(search);
    }

    /**
     * The default threshold for a model of an index in its collection's metric: the calibrated cosine threshold of
     * its embedder's metadata ({@link Embedder#duplicateThreshold()}, else {@link #FALLBACK_THRESHOLD}), as a
     * squared distance {@code 2 − 2·cos} for {@link Metric#L2}.
     */
    public static double defaultThreshold(IndexedModel model) {
        double cos = model.embedder().duplicateThreshold().orElse(FALLBACK_THRESHOLD);
        return model.collection().spec().metric() == Metric.L2 ? 2 - 2 * cos : cos;
    }

    /** Whether a model's metadata has a calibrated duplicate threshold. */
    public static boolean hasCalibratedThreshold(IndexedModel model) {
        return model.embedder().duplicateThreshold().isPresent();
    }

    /** The score a pair needs, in the primary model's metric. */
    public double threshold() {
        return threshold;
    }

    public int neighbours() {
        return neighbours;
    }

    /** The primary model: scores are in its units. */
    public IndexedModel model() {
        return models.get(0);
    }

    /** The models whose scores are fused, primary first. */
    public List<IndexedModel> models() {
        return models;
    }

    public Linkage linkage() {
        return linkage;
    }

    /** How far a pair must score above each image's background (its farthest neighbour), primary model's units. */
    public double margin() {
        return margin;
    }

    /**
     * What {@link #find()} found.
     *
     * @param model     the model used (several fused: their names joined by {@code +}, primary first)
     * @param threshold the score a pair needed (the primary model's metric)
     * @param groups    largest group first, then by the best member's location
     * @param checked   images looked at
     * @param skipped   images whose vector could not be had (each logged with its reason)
     */
    public record Result(String model, double threshold, List<DuplicateGroup> groups, int checked, int skipped) {
        public Result {
            groups = List.copyOf(groups);
        }
    }

    /** The second opinion on candidate pairs, if any. */
    public java.util.Optional<PairVerifier> verifier() {
        return java.util.Optional.ofNullable(verifier);
    }

    /** Finds the groups. Reads the index only; writes nothing. */
    public Result find() {
        Candidates c = candidates(lowest(threshold));
        List<DuplicateGroup> groups = toGroups(c, components(c, threshold, verdicts(c)));
        return new Result(name(), threshold, groups, c.ids.size(), c.skipped);
    }

    String name() {
        return String.join("+", models.stream().map(IndexedModel::name).toList());
    }

    /** The loosest score candidates are collected for: {@code threshold}, or the verifier's floor if looser. */
    double lowest(double threshold) {
        if (verifier == null) {
            return threshold;
        }
        double floor = inMetric(verifier.floor());
        return model().collection().spec().metric().higherIsBetter() ? Math.min(threshold, floor)
                : Math.max(threshold, floor);
    }

    private double inMetric(double cosine) {
        return model().collection().spec().metric() == Metric.L2 ? 2 - 2 * cosine : cosine;
    }

    /** The verifier's verdicts on the candidate pairs at or above its floor (null without a verifier). */
    Map<Grouping.Edge, PairVerifier.Verdict> verdicts(Candidates c) {
        return verifier == null ? null : PairChecks.verdicts(search, c, c.z(inMetric(verifier.floor())), verifier);
    }

    /**
     * The groups at threshold {@code t}: the pairs that pass it and the margin. With a verifier: the pairs it calls
     * the same link whatever their score and merge groups at its {@link PairVerifier#mergeFloor()}; the pairs it
     * calls different do not link; the rest as without a verifier.
     */
    List<Grouping.Component> components(Candidates c, double t, Map<Grouping.Edge, PairVerifier.Verdict> verdicts) {
        double z0 = c.z(t);
        if (verdicts == null) {
            return c.grouping.group(c.edges(z0), z0, linkage);
        }
        java.util.Set<Grouping.Edge> plain = new java.util.HashSet<>(c.edges(z0));
        List<Grouping.Edge> linked = c.edges.stream().filter(e -> switch (verdicts.getOrDefault(e,
                PairVerifier.Verdict.UNKNOWN)) {
            case SAME -> true;
            case DIFFERENT -> false;
            case UNKNOWN -> plain.contains(e);
        }).toList();
        double zMerge = Math.min(z0, c.z(inMetric(verifier.mergeFloor())));
        return c.grouping.group(linked, e -> verdicts.get(e) == PairVerifier.Verdict.SAME ? zMerge : z0, linkage);
    }

    /**
     * The candidate pairs of every image whose fused score passes {@code lowest}, with what is needed to group
     * them at any threshold at least as strict.
     */
    Candidates candidates(double lowest) {
        return new CandidateCollector(search, models, neighbours, margin).collect(lowest);
    }

    List<DuplicateGroup> toGroups(Candidates c, List<Grouping.Component> components) {
        Map<Long, ImageRecord> records = search.idMapper().getAll(components.stream()
                .flatMapToInt(g -> java.util.Arrays.stream(g.members())).mapToObj(c.ids::get).toList());
        List<DuplicateGroup> groups = new ArrayList<>();
        for (Grouping.Component g : components) {
            List<DuplicateGroup.Member> members = new ArrayList<>();
            for (int i : g.members()) {
                ImageRecord r = records.get(c.ids.get(i));
                if (r != null && !r.locations().isEmpty()) {
                    members.add(member(r));
                }
            }
            if (members.size() < 2) {
                continue;
            }
            members.sort(Comparator.comparingLong(DuplicateGroup.Member::pixels).reversed()
                    .thenComparing(Comparator.comparingLong(DuplicateGroup.Member::bytes).reversed())
                    .thenComparing(DuplicateGroup.Member::location));
            double a = c.primary.score(g.minZ());
            double b = c.primary.score(g.maxZ());
            groups.add(new DuplicateGroup(members, (float) Math.min(a, b), (float) Math.max(a, b)));
        }
        groups.sort(Comparator.comparingInt((DuplicateGroup g) -> -g.members().size())
                .thenComparing(g -> g.best().location()));
        return groups;
    }

    private static DuplicateGroup.Member member(ImageRecord r) {
        String location = r.primaryLocation();
        int w = 0;
        int h = 0;
        long bytes = 0;
        try {
            Path p = Path.of(location);
            bytes = Files.size(p);
            try (InputStream in = Files.newInputStream(p)) {
                // the header is enough for the size; 1 MiB covers EXIF blocks in front of a JPEG's frame header
                int[] wh = ImageDecoder.dimensions(in.readNBytes(1 << 20));
                w = wh[0];
                h = wh[1];
            }
        } catch (IOException | RuntimeException e) { // ImageDecodeException included
            LOG.debug("Duplicates: no size for {}: {}", location, e.getMessage());
        }
        return new DuplicateGroup.Member(r.id(), location, r.locations(), w, h, bytes);
    }

    /** Builds a {@link DuplicateFinder}; every setting but the index has a default. */
    public static final class Builder {
        private final SimilaritySearch search;
        private List<IndexedModel> models;
        private Double threshold;
        private int neighbours = DEFAULT_NEIGHBOURS;
        private Linkage linkage = Linkage.AVERAGE;
        private double margin = DEFAULT_MARGIN;
        private PairVerifier verifier;

        private Builder(SimilaritySearch search) {
            this.search = Objects.requireNonNull(search, "search");
        }

        /** Compare this model's vectors only. Default: the primary model. */
        public Builder model(IndexedModel model) {
            this.models = List.of(Objects.requireNonNull(model, "model"));
            return this;
        }

        /**
         * Fuse these models' scores (the first is the primary: thresholds and scores are in its units). Default:
         * the primary model alone (fusing did not beat efficientnet-lite0 alone on the duplicates development
         * set, docs/EVALUATION.md).
         */
        public Builder models(List<IndexedModel> models) {
            if (models.isEmpty()) {
                throw new IllegalArgumentException("models must not be empty");
            }
            this.models = List.copyOf(models);
            return this;
        }

        /**
         * How far above each image's background (the score of its farthest looked-at neighbour) a pair must score,
         * in the primary model's units (cosine), &gt;= 0; 0 turns the rule off. Default {@value #DEFAULT_MARGIN}.
         */
        public Builder margin(double margin) {
            if (!(margin >= 0) || Double.isInfinite(margin)) {
                throw new IllegalArgumentException("margin must be a finite number >= 0, was " + margin);
            }
            this.margin = margin;
            return this;
        }

        /** How linked images become groups. Default {@link Linkage#AVERAGE}. */
        public Builder linkage(Linkage linkage) {
            this.linkage = Objects.requireNonNull(linkage, "linkage");
            return this;
        }

        /**
         * The score a pair needs (cosine/IP: at least this; L2: at most this), in the primary model's units.
         * Default: {@link #defaultThreshold} of the primary model.
         */
        public Builder threshold(double threshold) {
            if (Double.isNaN(threshold) || Double.isInfinite(threshold)) {
                throw new IllegalArgumentException("threshold must be a finite number, was " + threshold);
            }
            this.threshold = threshold;
            return this;
        }

        /** Nearest neighbours looked at per image, &gt;= 1. Default {@value #DEFAULT_NEIGHBOURS}. */
        public Builder neighbours(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("neighbours must be >= 1, was " + n);
            }
            this.neighbours = n;
            return this;
        }

        /**
         * A second opinion on every candidate pair scoring at least its floor (see {@link PairVerifier}); null for
         * none. Default: none (the CLI's {@code duplicates} uses the OpenCV one of the duplicate-verifier module).
         */
        public Builder verifier(PairVerifier verifier) {
            this.verifier = verifier;
            return this;
        }

        public DuplicateFinder build() {
            return new DuplicateFinder(this);
        }
    }
}
