package dev.imagesearch;

import dev.imagesearch.files.ImageFiles;
import dev.imagesearch.embed.PreparedImage;
import dev.imagesearch.image.ContentId;
import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.search.IndexedModel;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-ahead of {@link BatchIndexer}: takes the next batch of paths and reads, hashes, (speculatively)
 * decodes it and prepares each image for the models that lack its vector ({@link IndexedModel#prepare}: resizing,
 * tensor layout) on the decode pool while the previous batch is embedded. Only pixels are prepared ahead: which
 * files are unchanged and what each model must embed is decided when the batch's turn comes, after the previous
 * batch's writes.
 */
final class BatchPrefetch {

    private static final Logger LOG = LoggerFactory.getLogger(ImageSearch.class);

    private final List<IndexedModel> models;
    private final IndexDecoding decoding;
    private final int batchSize;
    private final ExecutorService decodePool;

    BatchPrefetch(List<IndexedModel> models, IndexDecoding decoding, int batchSize, ExecutorService decodePool) {
        this.models = models;
        this.decoding = decoding;
        this.batchSize = batchSize;
        this.decodePool = decodePool;
    }

    /** One file on its way through a batch. */
    static final class Item {
        final Path path;
        final String location;
        /** The same location came earlier in this batch: that one does the work. */
        final boolean duplicate;
        ContentId cid;
        byte[] bytes;
        BufferedImage image;
        /** Per model: the image prepared for it on the decode pool ({@link IndexedModel#prepare}), or null. */
        final PreparedImage[] prepared;
        /** Why decoding failed (counts only if the image turns out to be needed), or null. */
        String decodeFailure;
        /** Whether decoding was attempted (successfully or not). */
        boolean decoded;
        /** Per model: the new vector, or null. */
        final float[][] vectors;
        /** Per model: why it could not embed this image, or null. */
        final String[] modelFailures;
        /** Why the whole file failed, or null. */
        String failure;

        Item(Path path, String location, int models, boolean duplicate) {
            this.path = path;
            this.location = location;
            this.duplicate = duplicate;
            this.vectors = new float[models][];
            this.prepared = new PreparedImage[models];
            this.modelFailures = new String[models];
        }
    }

    /** A batch whose files are being read, hashed and decoded on the decode pool. */
    static final class Batch {
        final List<Path> paths;
        final List<Item> items;
        /** Completes when every file is read and hashed. */
        CompletableFuture<Void> read;
        /** Per model, the ids it lacked when the decoding was planned; null: not known (prepare for every model). */
        volatile List<Set<Long>> missing;
        /** Completes when the speculative decoding is done (after {@link #read}). */
        CompletableFuture<Void> decoded;
        volatile boolean cancelled;
        /** The batch after this one, once its prefetch has started. */
        Batch next;

        Batch(List<Path> paths, List<Item> items) {
            this.paths = paths;
            this.items = items;
        }

        /**
         * Stops the work of a prefetched batch that will not be indexed, and of the batches prefetched after it
         * (tasks already running finish).
         */
        static void cancel(Batch batch) {
            for (Batch b = batch; b != null; b = b.next) {
                b.cancelled = true;
            }
        }
    }

    /**
     * Takes the next batch of paths from {@code it} and starts reading, hashing and decoding it on the decode
     * pool. Decoded are the images that no model seems to have yet, judged from the stores now and counting
     * {@code embedding} (the ids the batch in flight is embedding) as stored; a wrong guess only costs time
     * (an image decoded for nothing, or decoded later on demand).
     */
    Batch start(Iterator<Path> it, Set<Long> embedding) {
        List<Path> paths = new ArrayList<>(batchSize);
        while (paths.size() < batchSize && it.hasNext()) {
            paths.add(it.next());
        }
        List<Item> items = new ArrayList<>(paths.size());
        Set<String> seen = new HashSet<>();
        for (Path p : paths) {
            String location = ImageFiles.locationOf(p);
            items.add(new Item(p, location, models.size(), !seen.add(location)));
        }
        Batch batch = new Batch(paths, items);
        List<CompletableFuture<Void>> reads = new ArrayList<>();
        for (Item item : items) {
            if (!item.duplicate) {
                reads.add(CompletableFuture.runAsync(() -> read(batch, item), decodePool));
            }
        }
        batch.read = CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new));
        batch.decoded = batch.read.thenComposeAsync(v -> {
            List<CompletableFuture<Void>> decodes = new ArrayList<>();
            for (Item item : guessNeeded(batch, embedding)) {
                decodes.add(CompletableFuture.runAsync(() -> decode(batch, item), decodePool));
            }
            return CompletableFuture.allOf(decodes.toArray(CompletableFuture[]::new));
        }, decodePool);
        return batch;
    }

    private void read(Batch batch, Item item) {
        if (batch.cancelled) {
            return;
        }
        try {
            item.bytes = decoding.readFile(item.path);
            item.cid = ContentId.of(item.bytes);
        } catch (ImageDecodeException e) {
            item.failure = e.getMessage();
        } catch (RuntimeException e) {
            item.failure = "cannot read: " + e; // one file's problem, not the run's
        }
    }

    /** The readable items of a batch that some model has no vector for, as far as the stores tell now. */
    private List<Item> guessNeeded(Batch batch, Set<Long> embedding) {
        List<Item> readable = batch.items.stream()
                .filter(i -> !i.duplicate && i.failure == null && i.cid != null).toList();
        if (batch.cancelled || readable.isEmpty()) {
            return List.of();
        }
        List<Long> unknown = readable.stream().map(i -> i.cid.id()).filter(id -> !embedding.contains(id))
                .distinct().toList();
        Set<Long> needed = new HashSet<>();
        List<Set<Long>> missing = new ArrayList<>(models.size());
        try {
            for (IndexedModel m : models) {
                Set<Long> stored = unknown.isEmpty() ? Set.of() : m.collection().existing(unknown);
                Set<Long> lacking = new HashSet<>();
                unknown.stream().filter(id -> !stored.contains(id)).forEach(lacking::add);
                needed.addAll(lacking);
                missing.add(lacking);
            }
        } catch (RuntimeException e) {
            // only a guess: the batch's own check (on the indexing thread) reports a backend failure
            LOG.debug("Cannot look ahead in the vector store: {}", e.toString());
            return List.of();
        }
        batch.missing = missing;
        Set<Long> first = new HashSet<>();
        return readable.stream().filter(i -> needed.contains(i.cid.id()) && first.add(i.cid.id())).toList();
    }

    private void decode(Batch batch, Item item) {
        if (batch.cancelled || item.decoded) {
            return;
        }
        try {
            item.image = decoding.decode(item.bytes);
            if (!batch.cancelled) {
                prepare(item, batch.missing);
            }
        } catch (ImageDecodeException e) {
            item.decodeFailure = e.getMessage();
        } catch (RuntimeException e) {
            item.decodeFailure = "cannot decode: " + e;
        } finally {
            item.decoded = true;
            item.bytes = null;
        }
    }

    /**
     * Prepares the decoded image here, off the indexing thread (the models' preprocessing then overlaps the
     * previous batch's inference), for each model that lacks its vector ({@code missing}, per model; null: every
     * model). A model that cannot prepare it is left to the indexing thread, which reports that model's failure.
     */
    private void prepare(Item item, List<Set<Long>> missing) {
        for (int m = 0; m < models.size(); m++) {
            if (missing != null && !missing.get(m).contains(item.cid.id())) {
                continue;
            }
            try {
                item.prepared[m] = models.get(m).prepare(item.image);
            } catch (RuntimeException e) {
                LOG.debug("Model {} could not prepare an image ahead: {}", models.get(m).name(), e.toString());
            }
        }
    }

    /**
     * Decodes (and prepares for the models that {@code missing} says lack them, per model) in parallel the items the
     * prefetch did not decode, and waits for them.
     */
    void decodeMissing(Collection<Item> needed, List<Set<Long>> missing) {
        Batch now = new Batch(List.of(), List.of());
        now.missing = missing;
        List<CompletableFuture<Void>> decoding = new ArrayList<>();
        for (Item item : needed) {
            if (!item.decoded) {
                decoding.add(CompletableFuture.runAsync(() -> decode(now, item), decodePool));
            }
        }
        await(CompletableFuture.allOf(decoding.toArray(CompletableFuture[]::new)), "decoding");
    }

    /** Waits for a stage of a batch, rethrowing what a task threw (a reader's unexpected exception). */
    static void await(CompletableFuture<Void> stage, String what) {
        try {
            stage.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException ce
                    && ce.getCause() != null ? ce.getCause() : e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("Failed while " + what, cause);
        }
    }
}
