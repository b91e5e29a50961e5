package dev.imagesearch.spark;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.search.IndexedModel;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.idmap.ImageRecord;
import dev.imagesearch.image.ContentId;
import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorRecord;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Indexes the images of one Spark partition, batch by batch, with the order of writes of the library's indexer:
 * per batch, the stores are asked what they hold, each missing image is decoded once and embedded by every model
 * that lacks it, then vectors are written (upsert by content id, flushed), then locations (flushed), then vectors no
 * location points to any more are deleted. Every write is idempotent, so a retried or speculative task writes the
 * same records again and creates no duplicates; a task killed between the two writes leaves vectors whose location
 * the retry writes (or {@code ImageSearch.repair()} removes).
 *
 * <p>The input rows are {@code binaryFile} rows ({@code path}, {@code content}); the output rows follow
 * {@link ResultRows#SCHEMA}. Rows are produced lazily, one batch at a time, so memory holds one batch.
 */
final class PartitionIndexer implements Iterator<Row> {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionIndexer.class);

    private final IndexSession session;
    private final List<IndexedModel> models;
    private final IdMapper ids;
    private final Iterator<Row> input;
    private final int pathField;
    private final int contentField;
    private Iterator<Row> pending = List.<Row>of().iterator();

    PartitionIndexer(IndexSession session, Iterator<Row> input, int pathField, int contentField) {
        this.session = session;
        ImageSearch search = session.search();
        this.models = search.models();
        this.ids = search.idMapper();
        this.input = input;
        this.pathField = pathField;
        this.contentField = contentField;
    }

    @Override
    public boolean hasNext() {
        while (!pending.hasNext() && input.hasNext()) {
            pending = indexBatch(nextBatch()).iterator();
        }
        return pending.hasNext();
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return pending.next();
    }

    /** One image of a batch. */
    private static final class Item {
        final String location;
        byte[] bytes;
        ContentId cid;
        BufferedImage image;
        /** Why the whole image failed (read or decode), or null. */
        String failure;
        final float[][] vectors;
        final String[] modelFailures;
        final ResultRows.Status[] status;

        Item(String location, int models) {
            this.location = location;
            this.vectors = new float[models][];
            this.modelFailures = new String[models];
            this.status = new ResultRows.Status[models];
        }
    }

    private List<Item> nextBatch() {
        List<Item> batch = new ArrayList<>(session.batchSize());
        Set<String> seen = new HashSet<>();
        while (batch.size() < session.batchSize() && input.hasNext()) {
            Row row = input.next();
            String location = ResultRows.locationOf(row.getString(pathField));
            if (!seen.add(location)) {
                continue; // the same file twice (a table of paths with repeats): once is enough
            }
            Item item = new Item(location, models.size());
            try {
                item.bytes = (byte[]) row.get(contentField);
                if (item.bytes == null) {
                    item.failure = "no content";
                } else {
                    item.cid = ContentId.of(item.bytes);
                }
            } catch (RuntimeException e) {
                item.failure = "cannot read: " + e;
            }
            batch.add(item);
        }
        return batch;
    }

    private List<Row> indexBatch(List<Item> batch) {
        int n = models.size();
        List<Item> ok = batch.stream().filter(i -> i.failure == null).toList();
        List<Long> okIds = ok.stream().map(i -> i.cid.id()).distinct().toList();
        List<Set<Long>> stored = new ArrayList<>(n);
        for (IndexedModel m : models) {
            stored.add(okIds.isEmpty() ? Set.of() : m.collection().existing(okIds));
        }
        Map<String, ImageRecord> mapped = ok.isEmpty() ? Map.of()
                : ids.lookupAll(ok.stream().map(i -> i.location).toList());

        // per model, the content it lacks (the first item with those bytes embeds it)
        List<Map<Long, Item>> toEmbed = new ArrayList<>(n);
        for (int m = 0; m < n; m++) {
            toEmbed.add(new LinkedHashMap<>());
        }
        List<Item> toLink = new ArrayList<>();
        for (Item item : ok) {
            long id = item.cid.id();
            boolean complete = true;
            for (int m = 0; m < n; m++) {
                if (!stored.get(m).contains(id)) {
                    toEmbed.get(m).putIfAbsent(id, item);
                    complete = false;
                }
            }
            ImageRecord current = mapped.get(item.location);
            if (complete && current != null && current.id() == id) {
                java.util.Arrays.fill(item.status, ResultRows.Status.UNCHANGED);
            } else {
                toLink.add(item);
            }
        }
        embedAll(toEmbed);

        // 1. vectors, model by model, durable before any location points to them
        for (int m = 0; m < n; m++) {
            List<VectorRecord> records = new ArrayList<>();
            for (Item item : toEmbed.get(m).values()) {
                if (item.vectors[m] != null) {
                    records.add(new VectorRecord(item.cid.id(), item.vectors[m]));
                }
            }
            if (!records.isEmpty()) {
                VectorCollection c = models.get(m).collection();
                c.upsert(records);
                c.flush();
            }
        }
        // 2. locations of content with a vector in at least one model
        List<IdMapper.Link> links = new ArrayList<>();
        for (Item item : toLink) {
            long id = item.cid.id();
            boolean anyVector = false;
            for (int m = 0; m < n; m++) {
                Item owner = toEmbed.get(m).get(id);
                if (owner == null) {
                    item.status[m] = ResultRows.Status.LINKED;
                    anyVector = true;
                } else if (owner.vectors[m] != null) {
                    item.status[m] = owner == item ? ResultRows.Status.EMBEDDED : ResultRows.Status.LINKED;
                    anyVector = true;
                } else {
                    item.status[m] = ResultRows.Status.FAILED;
                    item.modelFailures[m] = owner.failure != null ? owner.failure : owner.modelFailures[m];
                }
            }
            if (anyVector) {
                links.add(new IdMapper.Link(item.location, id, item.cid.contentHash()));
            }
        }
        List<Long> replaced = new ArrayList<>();
        for (OptionalLong previous : links.isEmpty() ? List.<OptionalLong>of() : ids.putAll(links)) {
            previous.ifPresent(replaced::add); // the file changed: its old content may be found nowhere now
        }
        ids.flush();
        deleteUnreferenced(replaced);
        return rows(batch);
    }

    /** Best effort, as the library: a vector left here is found by {@code verify()} and removed by {@code repair()}. */
    private void deleteUnreferenced(List<Long> replaced) {
        try {
            if (!replaced.isEmpty()) {
                replaced.removeAll(ids.getAll(replaced).keySet());
            }
            if (!replaced.isEmpty()) {
                for (IndexedModel m : models) {
                    m.collection().delete(replaced);
                    m.collection().flush();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not delete {} vectors of replaced content ({}); ImageSearch.repair() removes them",
                    replaced.size(), e.toString());
        }
    }

    /** Decodes each needed image once and runs every model that lacks it; failures are kept per item and model. */
    private void embedAll(List<Map<Long, Item>> toEmbed) {
        Map<Long, Item> needed = new LinkedHashMap<>();
        toEmbed.forEach(perModel -> perModel.values().forEach(i -> needed.putIfAbsent(i.cid.id(), i)));
        for (Item item : needed.values()) {
            try {
                item.image = session.decoder().decode(item.bytes, session.minSide());
            } catch (ImageDecodeException e) {
                item.failure = e.getMessage();
            } catch (RuntimeException e) {
                item.failure = "cannot decode: " + e;
            }
        }
        try {
            for (int m = 0; m < models.size(); m++) {
                embed(m, toEmbed.get(m).values().stream().filter(i -> i.image != null).toList());
            }
        } finally {
            needed.values().forEach(i -> i.image = null);
        }
    }

    private void embed(int m, List<Item> decoded) {
        if (decoded.isEmpty()) {
            return;
        }
        IndexedModel model = models.get(m);
        try {
            // IndexedModel calls the model under its lock unless it is thread-safe, and checks every vector
            List<float[]> vectors = model.embedBatch(decoded.stream().map(i -> i.image).toList());
            for (int i = 0; i < decoded.size(); i++) {
                decoded.get(i).vectors[m] = vectors.get(i);
            }
        } catch (RuntimeException batchFailure) {
            // find out which image is at fault, so that the others are still indexed
            for (Item item : decoded) {
                try {
                    item.vectors[m] = session.search().embed(model, item.image);
                } catch (RuntimeException e) {
                    item.vectors[m] = null;
                    item.modelFailures[m] = "embedding failed: " + e.getMessage();
                }
            }
        }
    }

    private List<Row> rows(List<Item> batch) {
        List<Row> out = new ArrayList<>(batch.size() * models.size());
        for (Item item : batch) {
            for (int m = 0; m < models.size(); m++) {
                Long id = item.cid == null ? null : item.cid.id();
                String hash = item.cid == null ? null : item.cid.contentHash();
                ResultRows.Status status = item.failure != null && item.status[m] == null ? ResultRows.Status.FAILED
                        : item.status[m];
                String error = status == ResultRows.Status.FAILED
                        ? (item.modelFailures[m] != null ? item.modelFailures[m] : item.failure) : null;
                float[] vector = status == ResultRows.Status.EMBEDDED ? item.vectors[m] : null;
                if (status == ResultRows.Status.FAILED) {
                    LOG.warn("Skipped {} ({}): {}", item.location, models.get(m).name(), error);
                }
                out.add(ResultRows.row(id, hash, item.location, models.get(m).name(), vector, status, error));
            }
            item.bytes = null;
        }
        return out;
    }
}
