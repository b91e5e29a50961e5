package dev.imagesearch.spring;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.IndexReport;
import dev.imagesearch.search.Match;
import dev.imagesearch.fusion.Fusion;
import dev.imagesearch.fusion.MultiModelResult;
import dev.imagesearch.image.ImageDecodeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The common {@link ImageSearch} calls, timed with Micrometer. Meters:
 * <ul>
 *   <li>{@code imagesearch.search} timer, tags {@code outcome=success|failure}: every search;</li>
 *   <li>{@code imagesearch.index} timer, tags {@code outcome=success|failure}: every index call;</li>
 *   <li>{@code imagesearch.index.files} counter, tag {@code result=indexed|unchanged|failed}: files per outcome;</li>
 *   <li>{@code imagesearch.images} gauge: images in the index.</li>
 * </ul>
 * Anything else: {@link #delegate()}.
 */
public final class MeteredImageSearch {

    private final ImageSearch search;
    private final MeterRegistry registry;

    public MeteredImageSearch(ImageSearch search, MeterRegistry registry) {
        this.search = Objects.requireNonNull(search, "search");
        this.registry = Objects.requireNonNull(registry, "registry");
        Gauge.builder("imagesearch.images", search, s -> {
            try {
                return s.count();
            } catch (RuntimeException e) {
                return Double.NaN; // closed, or a backend is down: the health indicator says why
            }
        }).description("Images in the index").register(registry);
    }

    /** The underlying search, for calls this class does not time. */
    public ImageSearch delegate() {
        return search;
    }

    public List<Match> similar(Path image, int k) throws ImageDecodeException {
        return timed("imagesearch.search", () -> search.similar(image, k));
    }

    public List<Match> similar(byte[] image, int k) throws ImageDecodeException {
        return timed("imagesearch.search", () -> search.similar(image, k));
    }

    public MultiModelResult searchAll(Path image, int k, Fusion fusion) throws ImageDecodeException {
        return timed("imagesearch.search", () -> search.searchAll(image, k, fusion));
    }

    public IndexReport index(Collection<Path> paths) {
        return counted(unchecked(() -> search.index(paths)));
    }

    public IndexReport indexDirectory(Path directory) {
        return counted(unchecked(() -> search.indexDirectory(directory)));
    }

    private IndexReport counted(Call<IndexReport, RuntimeException> call) {
        IndexReport r = timed("imagesearch.index", call);
        files("indexed").increment(r.indexed());
        files("unchanged").increment(r.unchanged());
        files("failed").increment(r.failed());
        return r;
    }

    private Counter files(String result) {
        return Counter.builder("imagesearch.index.files").tag("result", result)
                .description("Files by indexing outcome").register(registry);
    }

    /** A call that may throw {@code E}. */
    @FunctionalInterface
    private interface Call<T, E extends Exception> {
        T run() throws E;
    }

    private static <T> Call<T, RuntimeException> unchecked(Call<T, RuntimeException> call) {
        return call;
    }

    private <T, E extends Exception> T timed(String name, Call<T, E> call) throws E {
        long start = System.nanoTime();
        String outcome = "failure";
        try {
            T result = call.run();
            outcome = "success";
            return result;
        } finally {
            Timer.builder(name).tag("outcome", outcome).register(registry)
                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }
}
