package dev.imagesearch.duplicates;

import dev.imagesearch.idmap.ImageRecord;
import dev.imagesearch.search.SimilaritySearch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Asks a {@link PairVerifier} about the candidate pairs of a {@link DuplicateFinder} run, once. */
final class PairChecks {

    private static final Logger LOG = LoggerFactory.getLogger(DuplicateFinder.class);

    private PairChecks() {
    }

    /**
     * The verdicts on every candidate edge scoring at least {@code zFloor}; an edge whose images have no location
     * is left out (the verifier is not asked; it counts as {@link PairVerifier.Verdict#UNKNOWN}).
     *
     * @throws IllegalStateException when the verifier returns a list of another size
     */
    static Map<Grouping.Edge, PairVerifier.Verdict> verdicts(SimilaritySearch search, Candidates c, double zFloor,
                                                             PairVerifier verifier) {
        List<Grouping.Edge> checked = c.edges.stream().filter(e -> e.z() >= zFloor).toList();
        Map<Long, ImageRecord> records = search.idMapper().getAll(checked.stream()
                .flatMap(e -> java.util.stream.Stream.of(c.ids.get(e.a()), c.ids.get(e.b()))).distinct().toList());
        List<Grouping.Edge> asked = new ArrayList<>();
        List<PairVerifier.Pair> pairs = new ArrayList<>();
        for (Grouping.Edge e : checked) {
            ImageRecord a = records.get(c.ids.get(e.a()));
            ImageRecord b = records.get(c.ids.get(e.b()));
            if (a != null && b != null && !a.locations().isEmpty() && !b.locations().isEmpty()) {
                asked.add(e);
                pairs.add(new PairVerifier.Pair(a.primaryLocation(), b.primaryLocation()));
            }
        }
        long start = System.nanoTime();
        List<PairVerifier.Verdict> verdicts = verifier.verify(pairs);
        if (verdicts.size() != pairs.size()) {
            throw new IllegalStateException(verifier.name() + " returned " + verdicts.size() + " verdicts for "
                    + pairs.size() + " pairs");
        }
        Map<Grouping.Edge, PairVerifier.Verdict> out = new HashMap<>();
        int[] counts = new int[PairVerifier.Verdict.values().length];
        for (int i = 0; i < asked.size(); i++) {
            out.put(asked.get(i), verdicts.get(i));
            counts[verdicts.get(i).ordinal()]++;
        }
        LOG.info("Duplicates: {} checked {} candidate pairs in {} ms: {} same, {} different, {} unknown",
                verifier.name(), pairs.size(), (System.nanoTime() - start) / 1_000_000, counts[0], counts[1],
                counts[2]);
        return out;
    }
}
