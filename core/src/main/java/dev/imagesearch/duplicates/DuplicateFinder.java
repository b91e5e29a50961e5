package dev.imagesearch.duplicates;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.IndexedModel;
import dev.imagesearch.embed.Embedder;
import dev.imagesearch.idmap.ImageRecord;
import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.image.RgbImages;
import dev.imagesearch.store.Metric;
import dev.imagesearch.store.ScoredId;
import dev.imagesearch.store.VectorCollection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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

    private final ImageSearch search;
    private final List<IndexedModel> models;
    private final double threshold;
    private final int neighbours;
    private final Linkage linkage;
    private final double margin;

    private DuplicateFinder(Builder b) {
        this.search = b.search;
        this.models = b.models != null ? b.models : List.of(b.search.models().get(0));
        this.threshold = b.threshold != null ? b.threshold : defaultThreshold(models.get(0));
        this.neighbours = b.neighbours;
        this.linkage = b.linkage;
        this.margin = b.margin;
    }

    public static Builder builder(ImageSearch search) {
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

    /** Finds the groups. Reads the index only; writes nothing. */
    public Result find() {
        Candidates c = candidates(threshold);
        double z0 = c.z(threshold);
        List<DuplicateGroup> groups = toGroups(c, c.grouping.group(c.edges(z0), z0, linkage));
        return new Result(name(), threshold, groups, c.ids.size(), c.skipped);
    }

    String name() {
        return String.join("+", models.stream().map(IndexedModel::name).toList());
    }

    /**
     * The candidate pairs of every image whose fused score passes {@code lowest}, with what is needed to group
     * them at any threshold at least as strict.
     */
    Candidates candidates(double lowest) {
        List<Long> ids = new ArrayList<>();
        search.idMapper().forEachId(ids::add);
        ids.sort(null); // a stable order, whatever the id map's iteration order
        Map<Long, Integer> index = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            index.put(ids.get(i), i);
        }
        int n = ids.size();
        Grouping.Scale[] scales = new Grouping.Scale[models.size()];
        for (int m = 0; m < scales.length; m++) {
            scales[m] = new Grouping.Scale(models.get(m).collection().spec().metric(),
                    defaultThreshold(models.get(m)));
        }
        double z0 = scales[0].z(lowest);
        // one model alone: its own score decides; fused: a pair may pass though one model scores it lower
        double zCandidate = scales.length == 1 ? z0 : z0 - 0.5;
        float[][][] vectors = new float[scales.length][n][];
        double[] background = new double[n]; // sum over the models of the scaled score of the farthest neighbour
        boolean[] missing = new boolean[n];
        Set<Long> pairs = new HashSet<>();
        VectorSource[] sources = new VectorSource[scales.length];
        for (int m = 0; m < scales.length; m++) {
            VectorSource source = new VectorSource(models.get(m));
            sources[m] = source;
            for (int i = 0; i < n; i++) {
                float[] v = missing[i] ? null : source.vector(ids.get(i));
                if (v == null) {
                    missing[i] = true;
                    continue;
                }
                if (source.reembedding) {
                    vectors[m][i] = v; // too dear to make twice
                }
                int others = 0;
                double farthest = Double.NEGATIVE_INFINITY;
                for (ScoredId hit : models.get(m).collection().search(v, neighbours + 1)) {
                    Integer j = index.get(hit.id());
                    if (hit.id() != ids.get(i)) {
                        others++;
                        farthest = scales[m].z(hit.score());
                    }
                    if (j != null && j != i && scales[m].z(hit.score()) >= zCandidate) {
                        pairs.add(Math.min(i, j) * (long) n + Math.max(i, j));
                    }
                }
                // fewer neighbours than asked for (a small index): no background
                background[i] += others >= neighbours ? farthest : Double.NEGATIVE_INFINITY;
            }
        }
        int skipped = 0;
        for (boolean b : missing) {
            skipped += b ? 1 : 0;
        }
        boolean[] needed = new boolean[n];
        pairs.forEach(p -> {
            needed[(int) (p / n)] = true;
            needed[(int) (p % n)] = true;
        });
        for (int m = 0; m < scales.length; m++) {
            VectorSource source = sources[m];
            for (int i = 0; i < n; i++) {
                if (needed[i] && !missing[i] && vectors[m][i] == null) {
                    vectors[m][i] = source.vector(ids.get(i));
                    missing[i] = vectors[m][i] == null; // deleted meanwhile
                }
                if (!needed[i] || missing[i]) {
                    vectors[m][i] = null;
                } else if (scales[m].metric() == Metric.COSINE) {
                    vectors[m][i] = unit(vectors[m][i]);
                }
            }
        }
        Grouping grouping = new Grouping(scales, vectors);
        List<Grouping.Edge> edges = new ArrayList<>();
        for (long p : pairs) {
            int a = (int) (p / n);
            int b = (int) (p % n);
            if (!missing[a] && !missing[b]) {
                double z = grouping.pairZ(a, b);
                if (z >= z0) {
                    edges.add(new Grouping.Edge(a, b, z));
                }
            }
        }
        for (int i = 0; i < n; i++) {
            background[i] /= scales.length;
        }
        return new Candidates(ids, scales[0], grouping, edges, background, margin / Math.max(1e-9,
                scales[0].metric().higherIsBetter() ? 1 - scales[0].threshold() : scales[0].threshold()), skipped);
    }

    /** Candidate pairs and vectors, ready to be grouped at any threshold at least as strict as they were made for. */
    static final class Candidates {
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
            return edges.stream().filter(e -> e.z() >= z0 && (margin <= 0 || e.z() >= z0 + SURE * (1 - z0)
                    || e.z() - Math.max(background[e.a()], background[e.b()]) >= margin)).toList();
        }
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

    private static float[] unit(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        if (s == 0) {
            return v;
        }
        float inv = (float) (1 / Math.sqrt(s));
        float[] out = new float[v.length];
        for (int d = 0; d < v.length; d++) {
            out[d] = v[d] * inv;
        }
        return out;
    }

    /** A model's stored vectors, or re-embedded images when its store cannot return vectors. */
    private final class VectorSource {
        private final IndexedModel model;
        private boolean reembedding;
        private ImageDecoder decoder;

        VectorSource(IndexedModel model) {
            this.model = model;
        }

        float[] vector(long id) {
            if (!reembedding) {
                try {
                    return model.collection().vector(id).orElse(null);
                } catch (UnsupportedOperationException e) {
                    reembedding = true;
                    decoder = new ImageDecoder();
                    LOG.info("{}: the store cannot return vectors; re-embedding each image", model.name());
                }
            }
            return reembed(model, decoder, id);
        }
    }

    private float[] reembed(IndexedModel model, ImageDecoder decoder, long id) {
        Optional<ImageRecord> r = search.idMapper().get(id);
        if (r.isEmpty() || r.get().locations().isEmpty()) {
            return null;
        }
        String location = r.get().primaryLocation();
        try {
            return search.embed(model, decoder.decode(Path.of(location)));
        } catch (RuntimeException e) { // ImageDecodeException included
            LOG.warn("Duplicates: skipped {}: {}", location, e.getMessage());
            return null;
        }
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
        private final ImageSearch search;
        private List<IndexedModel> models;
        private Double threshold;
        private int neighbours = DEFAULT_NEIGHBOURS;
        private Linkage linkage = Linkage.AVERAGE;
        private double margin = DEFAULT_MARGIN;

        private Builder(ImageSearch search) {
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

        public DuplicateFinder build() {
            return new DuplicateFinder(this);
        }
    }
}
