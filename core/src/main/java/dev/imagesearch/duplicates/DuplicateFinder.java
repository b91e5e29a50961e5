package dev.imagesearch.duplicates;

import dev.imagesearch.idmap.ImageRecord;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.search.IndexedModel;
import dev.imagesearch.search.SimilaritySearch;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Groups near-identical indexed images with one model: for each stored image, its {@link #neighbours()} nearest
 * neighbours in that model's collection (one k-NN query per image, never an N×N matrix); two images whose score
 * passes the threshold are linked, and the connected components of two or more images are the groups.
 *
 * <p>The stored vector is used when the collection can return it ({@link VectorCollection#vector(long)});
 * otherwise the image is decoded from its location as the index decodes (its limits, decoders and reduced
 * decoding) and embedded again. An image whose vector cannot be had is
 * skipped and counted in {@link Result#skipped()}.
 *
 * <p>Default thresholds per model ({@link #defaultThreshold(IndexedModel)}, keyed by the embedder's name) were
 * chosen from the near-duplicate evaluation on real photos (docs/EVALUATION.md), trading accepted transformed
 * copies against rejected unrelated distractors; for efficientnet-lite0 the two are separated, for the nsfwjs
 * models they overlap and the threshold favours rejecting distractors. They are cosine similarities; for an
 * {@link Metric#L2} collection of normalised vectors they are converted to the squared distance 2 − 2·cos.
 */
public final class DuplicateFinder {

    private static final Logger LOG = LoggerFactory.getLogger(DuplicateFinder.class);

    /** Measured per-model defaults (cosine similarity); see docs/EVALUATION.md. */
    private static final Map<String, Double> DEFAULT_THRESHOLDS = Map.of(
            "efficientnet-lite0", 0.70,
            "efficientnet-lite0-int8", 0.70,
            "efficientnet-lite1", 0.70,
            "efficientnet-lite1-int8", 0.70,
            "efficientnet-lite2", 0.70,
            "efficientnet-lite2-int8", 0.70,
            "mobilenet-v2-nsfwjs", 0.85,
            "inception-v3-nsfwjs", 0.95);

    /** Threshold for a model that was not measured. */
    public static final double FALLBACK_THRESHOLD = 0.90;

    /** Default number of neighbours looked at per image. */
    public static final int DEFAULT_NEIGHBOURS = 10;

    private final SimilaritySearch search;
    private final IndexedModel model;
    private final double threshold;
    private final int neighbours;

    private DuplicateFinder(Builder b) {
        this.search = b.search;
        this.model = b.model != null ? b.model : b.search.models().get(0);
        this.threshold = b.threshold != null ? b.threshold : defaultThreshold(model);
        this.neighbours = b.neighbours;
    }

    public static Builder builder(SimilaritySearch search) {
        return new Builder(search);
    }

    /**
     * The measured default threshold (cosine similarity) of a model by its embedder name, or
     * {@link #FALLBACK_THRESHOLD} for one not measured.
     */
    public static double defaultThreshold(String embedderName) {
        return DEFAULT_THRESHOLDS.getOrDefault(embedderName, FALLBACK_THRESHOLD);
    }

    /**
     * The default threshold for a model of an index in its collection's metric: the measured cosine threshold of
     * its embedder (whatever the collection is called), as a squared distance {@code 2 − 2·cos} for
     * {@link Metric#L2}.
     */
    public static double defaultThreshold(IndexedModel model) {
        double cos = defaultThreshold(model.embedder().name());
        return model.collection().spec().metric() == Metric.L2 ? 2 - 2 * cos : cos;
    }

    /** Whether a model has a measured default threshold. */
    public static boolean hasMeasuredThreshold(String model) {
        return DEFAULT_THRESHOLDS.containsKey(model);
    }

    public double threshold() {
        return threshold;
    }

    public int neighbours() {
        return neighbours;
    }

    public IndexedModel model() {
        return model;
    }

    /**
     * What {@link #find()} found.
     *
     * @param model     the model used
     * @param threshold the score a pair needed
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
        VectorCollection col = model.collection();
        boolean higherIsBetter = col.spec().metric().higherIsBetter();
        List<Long> ids = new ArrayList<>();
        search.idMapper().forEachId(ids::add);
        ids.sort(null); // a stable order, whatever the id map's iteration order
        Map<Long, Integer> index = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            index.put(ids.get(i), i);
        }
        int[] parent = new int[ids.size()];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        Map<Integer, float[]> scoreRange = new HashMap<>(); // root -> {min, max}; merged on union
        boolean storedVectors = true;
        int skipped = 0;
        for (int i = 0; i < ids.size(); i++) {
            long id = ids.get(i);
            float[] v = null;
            if (storedVectors) {
                try {
                    v = col.vector(id).orElse(null);
                } catch (UnsupportedOperationException e) {
                    storedVectors = false;
                    LOG.info("{}: the store cannot return vectors; re-embedding each image", model.name());
                }
            }
            if (v == null && !storedVectors) {
                v = reembed(id);
            }
            if (v == null) {
                skipped++;
                continue;
            }
            for (ScoredId hit : col.search(v, neighbours + 1)) {
                Integer j = index.get(hit.id());
                if (j == null || j == i) {
                    continue; // itself, or a vector without a location
                }
                boolean passes = higherIsBetter ? hit.score() >= threshold : hit.score() <= threshold;
                if (passes) {
                    union(parent, scoreRange, i, j, hit.score());
                }
            }
        }
        Map<Integer, List<Long>> components = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            components.computeIfAbsent(find(parent, i), r -> new ArrayList<>()).add(ids.get(i));
        }
        Map<Long, ImageRecord> records = search.idMapper().getAll(
                components.values().stream().filter(c -> c.size() > 1).flatMap(List::stream).toList());
        List<DuplicateGroup> groups = new ArrayList<>();
        for (Map.Entry<Integer, List<Long>> c : components.entrySet()) {
            if (c.getValue().size() < 2) {
                continue;
            }
            List<DuplicateGroup.Member> members = new ArrayList<>();
            for (long id : c.getValue()) {
                ImageRecord r = records.get(id);
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
            float[] range = scoreRange.get(c.getKey());
            groups.add(new DuplicateGroup(members, range[0], range[1]));
        }
        groups.sort(Comparator.comparingInt((DuplicateGroup g) -> -g.members().size())
                .thenComparing(g -> g.best().location()));
        return new Result(model.name(), threshold, groups, ids.size(), skipped);
    }

    private float[] reembed(long id) {
        Optional<ImageRecord> r = search.idMapper().get(id);
        if (r.isEmpty() || r.get().locations().isEmpty()) {
            return null;
        }
        String location = r.get().primaryLocation();
        try {
            return search.embed(model, search.decode(Path.of(location)));
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

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void union(int[] parent, Map<Integer, float[]> range, int a, int b, float score) {
        int ra = find(parent, a);
        int rb = find(parent, b);
        float[] x = range.remove(ra);
        float[] y = ra == rb ? null : range.remove(rb);
        float lo = score;
        float hi = score;
        for (float[] r : new float[][] {x, y}) {
            if (r != null) {
                lo = Math.min(lo, r[0]);
                hi = Math.max(hi, r[1]);
            }
        }
        if (ra != rb) {
            parent[rb] = ra;
        }
        range.put(ra, new float[] {lo, hi});
    }

    /** Builds a {@link DuplicateFinder}; every setting but the index has a default. */
    public static final class Builder {
        private final SimilaritySearch search;
        private IndexedModel model;
        private Double threshold;
        private int neighbours = DEFAULT_NEIGHBOURS;

        private Builder(SimilaritySearch search) {
            this.search = Objects.requireNonNull(search, "search");
        }

        /** The model whose vectors are compared. Default: the primary model. */
        public Builder model(IndexedModel model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /**
         * The score a pair needs (cosine/IP: at least this; L2: at most this). Default: {@link #defaultThreshold}
         * of the model.
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
