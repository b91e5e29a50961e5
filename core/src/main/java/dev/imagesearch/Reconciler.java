package dev.imagesearch;

import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.store.VectorCollection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Checks and repairs the agreement between a vector collection and an id map, which live in separate systems
 * (for example Milvus and Redis) and so cannot be written in one transaction.
 *
 * <p>Two kinds of disagreement can arise: a <em>vector without mapping</em> (indexing wrote the vector, then the
 * id map failed or the process died before the location was written; searches skip it) and a <em>mapping without
 * vector</em> (the vector store lost data, or a vector was deleted by hand; searches never find that image).
 * {@link #repair()} deletes the former and forgets the latter, so the next {@code index} of those files embeds them
 * again.
 *
 * <p>Run it while nothing is indexing into the same collection and id map: an index batch in progress has vectors
 * whose locations are not written yet, and repair would delete them. Both sides are read in chunks of
 * {@value #CHUNK} ids; memory grows with the number of disagreements found (their ids are kept in the report) plus
 * whatever the two {@code forEachId} implementations snapshot.
 */
public final class Reconciler {

    static final int CHUNK = 1000;

    private final VectorCollection vectors;
    private final IdMapper ids;

    public Reconciler(VectorCollection vectors, IdMapper ids) {
        this.vectors = Objects.requireNonNull(vectors, "vectors");
        this.ids = Objects.requireNonNull(ids, "ids");
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

    /** Compares both sides; changes nothing. */
    public Report verify() {
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
     * Verifies, then deletes the vectors without mapping and removes the mappings without vector (their files are
     * embedded again by the next {@code index}). Both sides are flushed.
     *
     * @return what was found and fixed
     */
    public Report repair() {
        Report r = verify();
        for (int from = 0; from < r.vectorsWithoutMapping().size(); from += CHUNK) {
            vectors.delete(r.vectorsWithoutMapping()
                    .subList(from, Math.min(r.vectorsWithoutMapping().size(), from + CHUNK)));
        }
        if (!r.vectorsWithoutMapping().isEmpty()) {
            vectors.flush();
        }
        for (long id : r.mappingsWithoutVector()) {
            ids.removeId(id);
        }
        if (!r.mappingsWithoutVector().isEmpty()) {
            ids.flush();
        }
        return r;
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
