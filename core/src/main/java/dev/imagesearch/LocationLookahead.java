package dev.imagesearch;

import dev.imagesearch.files.ImageFiles;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.idmap.ImageRecord;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The files to index, read ahead of the batches, so that the id map is asked about many files in one round trip:
 * a batch whose locations were not looked up yet also looks up the files after it, up to a window. An id map that
 * is slow per round trip (Milvus: tens of ms a query) then costs one lookup per window instead of one per batch,
 * which is what a rerun over an unchanged index consists of. A batch's locations are forgotten once it is done, so
 * a file listed twice is looked up again and sees its first occurrence's write. What another process writes to the
 * same locations meanwhile may be seen up to one window late, as it may be seen one batch late without the
 * lookahead. Not thread-safe: used by the indexing thread.
 */
final class LocationLookahead implements Iterator<Path> {

    private final Iterator<Path> source;
    private final int window;
    private final Deque<Path> ahead = new ArrayDeque<>();
    private final Set<String> lookedUp = new HashSet<>();
    private final Map<String, ImageRecord> known = new HashMap<>();

    LocationLookahead(Iterator<Path> source, int window) {
        this.source = source;
        this.window = Math.max(1, window);
    }

    @Override
    public boolean hasNext() {
        return !ahead.isEmpty() || source.hasNext();
    }

    @Override
    public Path next() {
        if (ahead.isEmpty()) {
            if (!source.hasNext()) {
                throw new NoSuchElementException();
            }
            return source.next();
        }
        return ahead.poll();
    }

    /**
     * The records of {@code locations} (unmapped ones left out), from one {@link IdMapper#lookupAll} that also
     * covers the next files, unless an earlier call covered them already.
     */
    Map<String, ImageRecord> lookup(IdMapper ids, List<String> locations) {
        Set<String> query = new LinkedHashSet<>();
        for (String l : locations) {
            if (!lookedUp.contains(l)) {
                query.add(l);
            }
        }
        if (!query.isEmpty()) {
            while (ahead.size() < window && source.hasNext()) {
                ahead.add(source.next());
            }
            for (Path p : ahead) {
                if (query.size() >= window + locations.size()) {
                    break;
                }
                String l = ImageFiles.locationOf(p);
                if (!lookedUp.contains(l)) {
                    query.add(l);
                }
            }
            known.putAll(ids.lookupAll(query));
            lookedUp.addAll(query);
        }
        Map<String, ImageRecord> out = new HashMap<>();
        for (String l : locations) {
            ImageRecord r = known.get(l);
            if (r != null) {
                out.put(l, r);
            }
        }
        return out;
    }

    /**
     * Forgets what is known of locations whose batch is done (they were written, or are not needed again unless
     * listed again), so memory holds about one window whatever the number of files.
     */
    void forget(Collection<String> locations) {
        for (String l : locations) {
            lookedUp.remove(l);
            known.remove(l);
        }
    }
}
