package dev.imagesearch.verify;

import dev.imagesearch.duplicates.PairVerifier;
import dev.imagesearch.opencv.OpenCvNative;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.opencv.features2d.ORB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks candidate duplicate pairs with local features (OpenCV): ORB keypoints of both images (grayscale, longest
 * side {@value #DEFAULT_SIDE} px), matched and fitted with a similarity transform (also against the mirror image),
 * then the first image warped onto the second and their pixels correlated. When both images have at least
 * {@link Builder#minKeypoints(int) minKeypoints} keypoints the pair is {@link Verdict#SAME} if at least
 * {@link Builder#minInliers(int) minInliers} matches fit the transform and the correlation is at least
 * {@link Builder#minCorrelation(double) minCorrelation}, else {@link Verdict#DIFFERENT}; with fewer (a smooth or
 * flat image) it is {@link Verdict#UNKNOWN}, and so is an image that is not a readable file. Defaults measured on the
 * duplicates development set (docs/EVALUATION.md).
 *
 * <p>Cost: decoding and describing each image once (a cache of {@link Builder#cacheSize} images per thread; its
 * mirror image only when a pair needs it), then ~14 ms per pair and thread on the development machine, most of it
 * matching 1,000 × 1,000 descriptors (again against the mirror image unless the plain orientation already shows a
 * copy); pairs are checked on {@link Builder#threads} threads. A pair whose check fails is logged and
 * left to the score. Immutable and thread-safe.
 */
public final class GeometricVerifier implements PairVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(GeometricVerifier.class);

    /** Default longest side, in pixels, images are described at. */
    public static final int DEFAULT_SIDE = 512;

    /** The settings of a verifier (see the builder for each one's meaning and default). */
    record Settings(int side, int features, int minKeypoints, int minInliers, double minCorrelation) {
    }

    private final Settings settings;
    private final int threads;
    private final int cacheSize;

    private GeometricVerifier(Builder b) {
        this.settings = new Settings(b.side, b.features, b.minKeypoints, b.minInliers, b.minCorrelation);
        this.threads = b.threads;
        this.cacheSize = b.cacheSize;
    }

    /**
     * A verifier with the defaults.
     *
     * @throws IllegalStateException if OpenCV's native library cannot be loaded on this platform (with the reason)
     */
    public static GeometricVerifier create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "orb-similarity";
    }

    @Override
    public List<Verdict> verify(List<Pair> pairs) {
        // pairs sorted by their first image: a worker's cache then holds each image for all of its pairs
        Integer[] order = new Integer[pairs.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparing((Integer i) -> pairs.get(i).first())
                .thenComparing(i -> pairs.get(i).second()));
        Verdict[] out = new Verdict[pairs.size()];
        int workers = Math.max(1, Math.min(threads, pairs.size()));
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "duplicate-verifier");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> done = new ArrayList<>();
            int chunk = (pairs.size() + workers - 1) / workers;
            for (int w = 0; w < workers; w++) {
                int from = w * chunk;
                int to = Math.min(pairs.size(), from + chunk);
                done.add(pool.submit(() -> check(pairs, order, from, to, out)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking duplicate pairs", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("checking duplicate pairs failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return Arrays.asList(out);
    }

    private void check(List<Pair> pairs, Integer[] order, int from, int to, Verdict[] out) {
        ORB orb = ORB.create(settings.features());
        PairMatcher matcher = new PairMatcher(settings);
        Map<String, ImageFeatures> cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ImageFeatures> eldest) {
                if (size() > cacheSize) {
                    if (eldest.getValue() != null) {
                        eldest.getValue().release();
                    }
                    return true;
                }
                return false;
            }
        };
        try {
            for (int k = from; k < to && !Thread.currentThread().isInterrupted(); k++) {
                Pair p = pairs.get(order[k]);
                try {
                    out[order[k]] = matcher.check(features(cache, p.first(), orb), features(cache, p.second(), orb));
                } catch (RuntimeException e) { // one odd image must not cost the others their check
                    LOG.warn("Duplicate check of {} and {} failed, left to the score: {}", p.first(), p.second(),
                            e.toString());
                    out[order[k]] = Verdict.UNKNOWN;
                }
            }
        } finally {
            cache.values().forEach(f -> {
                if (f != null) {
                    f.release();
                }
            });
        }
    }

    private ImageFeatures features(Map<String, ImageFeatures> cache, String location, ORB orb) {
        if (cache.containsKey(location)) {
            return cache.get(location);
        }
        ImageFeatures f = null;
        if (!location.contains("://")) { // a URI (object store, HTTP): not read here, the score decides
            try {
                f = ImageFeatures.of(Path.of(location), settings.side(), orb);
            } catch (InvalidPathException e) {
                f = null;
            }
        }
        cache.put(location, f);
        return f;
    }

    /** Builds a {@link GeometricVerifier}; every setting has a default. */
    public static final class Builder {
        private int side = DEFAULT_SIDE;
        private int features = 1000;
        private int minKeypoints = 50;
        private int minInliers = 10;
        private double minCorrelation = 0.7;
        private int threads = Math.min(8, Runtime.getRuntime().availableProcessors());
        private int cacheSize = 256;

        private Builder() {
        }

        /** Longest side, in pixels, each image is scaled to before it is described, &gt;= 64. Default 512. */
        public Builder side(int px) {
            this.side = atLeast("side", px, 64);
            return this;
        }

        /** ORB keypoints per image, at most, &gt;= 10. Default 1000. */
        public Builder features(int n) {
            this.features = atLeast("features", n, 10);
            return this;
        }

        /** Keypoints each image needs for a verdict; with fewer the pair is UNKNOWN, &gt;= 2. Default 50. */
        public Builder minKeypoints(int n) {
            this.minKeypoints = atLeast("minKeypoints", n, 2);
            return this;
        }

        /** Matches that must fit the transform for SAME, &gt;= 3. Default 10. */
        public Builder minInliers(int n) {
            this.minInliers = atLeast("minInliers", n, 3);
            return this;
        }

        /** Correlation of the aligned images needed for SAME, in [-1, 1]. Default 0.7. */
        public Builder minCorrelation(double r) {
            if (!(r >= -1 && r <= 1)) {
                throw new IllegalArgumentException("minCorrelation must be in [-1, 1], was " + r);
            }
            this.minCorrelation = r;
            return this;
        }

        /** Threads that check pairs, &gt;= 1. Default: the available processors, at most 8 (each has its cache). */
        public Builder threads(int n) {
            this.threads = atLeast("threads", n, 1);
            return this;
        }

        /**
         * Described images kept per thread, &gt;= 2. Default 256: about 0.5 MB of native memory each (the image and its
         * mirror at 512 px, descriptors), so up to ~130 MB per thread, outside the Java heap.
         */
        public Builder cacheSize(int n) {
            this.cacheSize = atLeast("cacheSize", n, 2);
            return this;
        }

        /**
         * Loads OpenCV (once per process) and builds the verifier.
         *
         * @throws IllegalStateException if OpenCV's native library cannot be loaded on this platform
         */
        public GeometricVerifier build() {
            OpenCvNative.load();
            return new GeometricVerifier(this);
        }

        private static int atLeast(String name, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
            }
            return value;
        }
    }
}
