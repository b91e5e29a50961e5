package dev.imagesearch.duplicates;

import dev.imagesearch.idmap.ImageRecord;
import dev.imagesearch.search.IndexedModel;
import dev.imagesearch.search.SimilaritySearch;
import dev.imagesearch.store.Metric;
import dev.imagesearch.store.ScoredId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first half of {@link DuplicateFinder}: one k-NN query per image and model gives the candidate pairs, each
 * image's background score, and the vectors of the images in a candidate pair (stored, or re-embedded when the
 * store cannot return vectors).
 */
final class CandidateCollector {

    private static final Logger LOG = LoggerFactory.getLogger(DuplicateFinder.class);
    /** Images whose vectors are read, and whose neighbours are searched, together (a remote store's round trips). */
    static final int CHUNK = 256;

    private final SimilaritySearch search;
    private final List<IndexedModel> models;
    private final int neighbours;
    private final double margin;

    CandidateCollector(SimilaritySearch search, List<IndexedModel> models, int neighbours, double margin) {
        this.search = search;
        this.models = models;
        this.neighbours = neighbours;
        this.margin = margin;
    }

    /**
     * The candidate pairs of every image whose fused score passes {@code lowest}, with what is needed to group
     * them at any threshold at least as strict.
     */
    Candidates collect(double lowest) {
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
                    DuplicateFinder.defaultThreshold(models.get(m)));
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
            for (int from = 0; from < n; from += CHUNK) {
                // a chunk of images: their vectors in one read, their neighbours in one batch search
                List<Integer> rows = new ArrayList<>();
                for (int i = from; i < Math.min(n, from + CHUNK); i++) {
                    if (!missing[i]) {
                        rows.add(i);
                    }
                }
                Map<Long, float[]> found = source.vectors(rows.stream().map(ids::get).toList());
                List<float[]> queries = new ArrayList<>(rows.size());
                for (Iterator<Integer> it = rows.iterator(); it.hasNext(); ) {
                    int i = it.next();
                    float[] v = found.get(ids.get(i));
                    if (v == null) {
                        missing[i] = true;
                        it.remove();
                        continue;
                    }
                    if (source.reembedding) {
                        vectors[m][i] = v; // too dear to make twice
                    }
                    queries.add(v);
                }
                List<List<ScoredId>> hits = queries.isEmpty() ? List.of()
                        : models.get(m).collection().searchBatch(queries, neighbours + 1);
                for (int q = 0; q < rows.size(); q++) {
                    int i = rows.get(q);
                    addCandidates(i, hits.get(q), scales[m], zCandidate, ids, index, pairs, background);
                }
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
            List<Integer> toRead = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (needed[i] && !missing[i] && vectors[m][i] == null) {
                    toRead.add(i);
                }
            }
            for (int from = 0; from < toRead.size(); from += CHUNK) {
                List<Integer> chunk = toRead.subList(from, Math.min(toRead.size(), from + CHUNK));
                Map<Long, float[]> read = source.vectors(chunk.stream().map(ids::get).toList());
                for (int i : chunk) {
                    vectors[m][i] = read.get(ids.get(i));
                    missing[i] = vectors[m][i] == null; // deleted meanwhile
                }
            }
            for (int i = 0; i < n; i++) {
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

    /**
     * Takes the neighbours of image {@code i} (best first, itself among them): pairs that pass {@code zCandidate},
     * and its background (the scaled score of its farthest neighbour).
     */
    private void addCandidates(int i, List<ScoredId> hits, Grouping.Scale scale, double zCandidate, List<Long> ids,
                               Map<Long, Integer> index, Set<Long> pairs, double[] background) {
        int n = ids.size();
        int others = 0;
        double farthest = Double.NEGATIVE_INFINITY;
        for (ScoredId hit : hits) {
            Integer j = index.get(hit.id());
            if (hit.id() != ids.get(i)) {
                others++;
                farthest = scale.z(hit.score());
            }
            if (j != null && j != i && scale.z(hit.score()) >= zCandidate) {
                pairs.add(Math.min(i, j) * (long) n + Math.max(i, j));
            }
        }
        // fewer neighbours than asked for (a small index): no background
        background[i] += others >= neighbours ? farthest : Double.NEGATIVE_INFINITY;
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

        VectorSource(IndexedModel model) {
            this.model = model;
        }

        /** The vectors of {@code ids} that can be had, by id. */
        Map<Long, float[]> vectors(List<Long> ids) {
            if (!reembedding) {
                try {
                    return ids.isEmpty() ? Map.of() : model.collection().vectors(ids);
                } catch (UnsupportedOperationException e) {
                    reembedding = true;
                    LOG.info("{}: the store cannot return vectors; re-embedding each image", model.name());
                }
            }
            Map<Long, float[]> out = new HashMap<>();
            for (long id : ids) {
                float[] v = reembed(model, id);
                if (v != null) {
                    out.put(id, v);
                }
            }
            return out;
        }
    }

    /** Decodes the image as the index decodes (its limits, decoders, reduced decoding) and embeds it again. */
    private float[] reembed(IndexedModel model, long id) {
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
}
