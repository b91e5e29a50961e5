package dev.imagesearch.embedded;

import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.Metric;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child JVM of {@link EmbeddedDurabilityTest}, run under a file size limit: writes and flushes batches of vectors
 * until a flush fails, then checks that the store refuses further writes. Prints {@code FLUSHED n} after each
 * batch, {@code FAILED n message} with the count made durable before the failure, then {@code REFUSED message} or
 * {@code WROTE AFTER FAILURE}, and {@code CLOSED} or {@code CLOSE FAILED message}.
 */
final class DiskFullWriter {

    static final int DIM = 256;
    static final int BATCH = 20;
    static final CollectionSpec SPEC = CollectionSpec.builder("full", DIM).metric(Metric.IP).build();

    private DiskFullWriter() {
    }

    /** The vector written for {@code id}: recognisable per id, so the parent can check every stored one. */
    static float[] vector(long id) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = id + i / 1000f;
        }
        return v;
    }

    public static void main(String[] args) {
        EmbeddedVectorStore store = EmbeddedVectorStore.open(Path.of(args[0]));
        VectorCollection c = store.open(SPEC);
        int flushed = 0;
        for (int b = 0; b < 10_000; b++) {
            List<VectorRecord> batch = new ArrayList<>();
            for (int i = 1; i <= BATCH; i++) {
                long id = (long) b * BATCH + i;
                batch.add(new VectorRecord(id, vector(id)));
            }
            try {
                c.upsert(batch);
                c.flush();
                flushed += BATCH;
                System.out.println("FLUSHED " + flushed);
            } catch (RuntimeException e) {
                System.out.println("FAILED " + flushed + " " + e.getMessage());
                try {
                    c.upsert(List.of(new VectorRecord(999_999, vector(999_999))));
                    c.flush();
                    System.out.println("WROTE AFTER FAILURE");
                } catch (RuntimeException again) {
                    System.out.println("REFUSED " + again.getMessage());
                }
                try {
                    store.close();
                    System.out.println("CLOSED");
                } catch (RuntimeException again) {
                    System.out.println("CLOSE FAILED " + again.getMessage());
                }
                System.exit(0);
            }
        }
        System.out.println("NEVER FAILED");
        System.exit(2);
    }
}
