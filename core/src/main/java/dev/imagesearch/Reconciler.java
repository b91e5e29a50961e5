package dev.imagesearch;

import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.idmap.ImageRecord;
import dev.imagesearch.store.VectorCollection;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Checks and repairs the agreement between the vector collections of an index (one per model) and its id map,
 * which live in separate systems (for example Milvus and Redis) and so cannot be written in one transaction. The
 * one maintenance policy of the library: {@code ImageSearch.verify()} and {@code repair()} run it over every model.
 *
 * <p>Two kinds of disagreement can arise: a <em>vector without mapping</em> (indexing wrote the vector, then the
 * id map failed or the process died before the location was written; searches skip it) and a <em>mapping without
 * vector</em> (the vector store lost data, or a vector was deleted by hand; searches never find that image).
 * {@link #repair()} deletes the former; of the latter it forgets the locations whose file no longer exists (and
 * the vectors of content no location is left for) and keeps the others, so the next {@code index} embeds them
 * again (a file counts as unchanged only when every model has its vector).
 *
 * <p>Run it while nothing is indexing into the same collections and id map: an index batch in progress has
 * vectors whose locations are not written yet, and repair would delete them. Both sides are read in chunks of
 * {@value #CHUNK} ids; memory grows with the number of disagreements found (their ids are kept in the report) plus
 * whatever the two {@code forEachId} implementations snapshot.
 */
public final class Reconciler {

    static final int CHUNK = 1000;

    private final List<VectorCollection> collections;
    private final IdMapper ids;

    /** For one collection and its id map. */
    public Reconciler(VectorCollection vectors, IdMapper ids) {
        this(List.of(Objects.requireNonNull(vectors, "vectors")), ids);
    }

    /** For every collection of an index (one per model) and the id map they share. */
    public Reconciler(List<VectorCollection> collections, IdMapper ids) {
        this.collections = List.copyOf(collections);
        this.ids = Objects.requireNonNull(ids, "ids");
        if (this.collections.isEmpty()) {
            throw new IllegalArgumentException("no collection to reconcile");
        }
    }

    /**
     * What a check found.
     *
     * @param vectorsWithoutMapping ids of stored vectors no location points to
     * @param mappingsWithoutVector ids in the id map that have no stored vector
     * @param vectorsChecked        number of vector ids looked at
     * @param mappingsChecked       number of mapped ids looked at
     */
    public record Report(List<Long> vectorsWithoutMapping, List<Long> mappingsWithoutVector, long vectorsChecked,
                         long mappingsChecked) {
        public Report {
            vectorsWithoutMapping = List.copyOf(vectorsWithoutMapping);
            mappingsWithoutVector = List.copyOf(mappingsWithoutVector);
        }

        /** Whether both sides agree. */
        public boolean consistent() {
            return vectorsWithoutMapping.isEmpty() && mappingsWithoutVector.isEmpty();
        }

        @Override
        public String toString() {
            return "checked " + vectorsChecked + " vectors and " + mappingsChecked + " mapped ids: "
                    + vectorsWithoutMapping.size() + " vectors without mapping, " + mappingsWithoutVector.size()
                    + " mappings without vector";
        }
    }

    /**
     * Compares both sides; changes nothing. With several collections the report is the union over them (vectors
     * checked add up; mapped ids are counted once).
     */
    public Report verify() {
        List<Report> reports = new ArrayList<>();
        for (VectorCollection c : collections) {
            reports.add(verify(c));
        }
        return union(reports);
    }

    private Report verify(VectorCollection vectors) {
        List<Long> orphanVectors = new ArrayList<>();
        long vectorCount = scan(vectors::forEachId, chunk -> {
            Map<Long, ?> mapped = ids.getAll(chunk);
            for (Long id : chunk) {
                if (!mapped.containsKey(id)) {
                    orphanVectors.add(id);
                }
            }
        });
        List<Long> orphanMappings = new ArrayList<>();
        long mappingCount = scan(ids::forEachId, chunk -> {
            Set<Long> stored = vectors.existing(chunk);
            for (Long id : chunk) {
                if (!stored.contains(id)) {
                    orphanMappings.add(id);
                }
            }
        });
        return new Report(orphanVectors, orphanMappings, vectorCount, mappingCount);
    }

    /**
     * Verifies, then repairs:
     * <ul>
     *   <li>vectors that no location points to are deleted, in every collection;</li>
     *   <li>locations whose vector is missing and whose file no longer exists are forgotten (with the vectors
     *       of content no location is left for);</li>
     *   <li>locations whose vector is missing but whose file exists are kept: the next {@code index} embeds them
     *       again.</li>
     * </ul>
     * Both sides are flushed.
     *
     * @return what was found before the repair
     */
    public Report repair() {
        List<Report> reports = new ArrayList<>();
        for (VectorCollection c : collections) {
            Report found = verify(c);
            delete(c, found.vectorsWithoutMapping());
            reports.add(found);
        }
        Report all = union(reports);
        List<Long> gone = new ArrayList<>();
        for (int from = 0; from < all.mappingsWithoutVector().size(); from += CHUNK) {
            List<Long> chunk = all.mappingsWithoutVector()
                    .subList(from, Math.min(all.mappingsWithoutVector().size(), from + CHUNK));
            for (ImageRecord r : ids.getAll(chunk).values()) {
                for (String location : r.locations()) {
                    if (isMissingFile(location)) {
                        ids.remove(location).filter(left -> left.locations().isEmpty())
                                .ifPresent(left -> gone.add(left.id()));
                    }
                }
            }
        }
        ids.flush();
        for (VectorCollection c : collections) {
            delete(c, gone);
        }
        return all;
    }

    private static void delete(VectorCollection c, List<Long> vectorIds) {
        for (int from = 0; from < vectorIds.size(); from += CHUNK) {
            c.delete(vectorIds.subList(from, Math.min(vectorIds.size(), from + CHUNK)));
        }
        if (!vectorIds.isEmpty()) {
            c.flush();
        }
    }

    /** Whether a location is a local path whose file is gone (URIs and other locations are never "gone"). */
    private static boolean isMissingFile(String location) {
        try {
            Path p = Path.of(location);
            return p.isAbsolute() && !Files.exists(p);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static Report union(List<Report> reports) {
        if (reports.size() == 1) {
            return reports.get(0);
        }
        Set<Long> orphans = new LinkedHashSet<>();
        Set<Long> missing = new LinkedHashSet<>();
        long vectors = 0;
        long mappings = 0;
        for (Report r : reports) {
            orphans.addAll(r.vectorsWithoutMapping());
            missing.addAll(r.mappingsWithoutVector());
            vectors += r.vectorsChecked();
            mappings = Math.max(mappings, r.mappingsChecked());
        }
        return new Report(new ArrayList<>(orphans), new ArrayList<>(missing), vectors, mappings);
    }

    /** Feeds every id of {@code source} to {@code check} in chunks; returns how many ids there were. */
    private static long scan(Consumer<LongConsumer> source, Consumer<List<Long>> check) {
        List<Long> chunk = new ArrayList<>(CHUNK);
        long[] count = {0};
        source.accept(id -> {
            count[0]++;
            chunk.add(id);
            if (chunk.size() == CHUNK) {
                check.accept(List.copyOf(chunk));
                chunk.clear();
            }
        });
        if (!chunk.isEmpty()) {
            check.accept(List.copyOf(chunk));
        }
        return count[0];
    }
}
