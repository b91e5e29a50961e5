package dev.imagesearch.embedded;

import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.Metric;
import java.nio.file.Path;

/**
 * Child-JVM program for the lock tests: opens the embedded store's collection {@code c} (or the id map) in a data
 * directory and prints {@code OPENED} or {@code FAILED: <message>}. With {@code hold} it keeps it open until
 * killed.
 *
 * <p>Usage: {@code LockProbe vectors|ids <dataDir> [hold]}
 */
public final class LockProbe {

    private LockProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        boolean hold = args.length > 2 && args[2].equals("hold");
        AutoCloseable opened;
        try {
            if (args[0].equals("vectors")) {
                EmbeddedVectorStore store = EmbeddedVectorStore.open(dir);
                try {
                    store.open(CollectionSpec.builder("c", 3).metric(Metric.COSINE).build());
                } catch (RuntimeException e) {
                    store.close();
                    throw e;
                }
                opened = store;
            } else {
                opened = EmbeddedIdMapper.open(dir);
            }
        } catch (RuntimeException e) {
            System.out.println("FAILED: " + e.getMessage());
            System.out.flush();
            System.exit(3);
            return;
        }
        System.out.println("OPENED");
        System.out.flush();
        if (hold) {
            Thread.sleep(120_000);
        }
        opened.close();
        System.out.println("CLOSED");
        System.out.flush();
    }
}
