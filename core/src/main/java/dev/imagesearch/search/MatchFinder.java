package dev.imagesearch.search;

import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.idmap.ImageRecord;
import dev.imagesearch.store.ScoredId;
import dev.imagesearch.store.SearchArguments;
import dev.imagesearch.store.VectorCollection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The search step of an index: a query vector's nearest ids in a model's collection, joined with the id map into
 * {@link Match}es. Ids without a location (left by an interrupted index run) are skipped, so it over-fetches a
 * little and doubles the fetch until it has {@code k} matches or the collection is exhausted.
 */
public final class MatchFinder {

    private final IdMapper ids;

    public MatchFinder(IdMapper ids) {
        this.ids = Objects.requireNonNull(ids, "ids");
    }

    /** The {@code k} located images nearest to {@code vector} in {@code collection}, best first. */
    public List<Match> nearest(VectorCollection collection, float[] vector, int k) {
        SearchArguments.checkK(k);
        if (k == 0) {
            return List.of(); // the loop below only stops early once it has k > 0 hits
        }
        List<Match> out = new ArrayList<>(k);
        int fetch = k + Math.max(8, k / 4);
        while (true) {
            List<ScoredId> hits = collection.search(vector, fetch);
            Map<Long, ImageRecord> records = ids.getAll(hits.stream().map(ScoredId::id).toList());
            out.clear();
            for (ScoredId hit : hits) {
                ImageRecord r = records.get(hit.id());
                if (r != null && !r.locations().isEmpty()) {
                    out.add(new Match(out.size() + 1, hit.id(), r.primaryLocation(), r.locations(), hit.score(),
                            r.contentHash()));
                    if (out.size() == k) {
                        return out;
                    }
                }
            }
            if (hits.size() < fetch || fetch >= collection.count()) {
                return out;
            }
            fetch = (int) Math.min(Integer.MAX_VALUE - 8, (long) fetch * 2);
        }
    }
}
