package dev.imagesearch.server;

import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.idmap.ImageRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The indexed images sorted by file name, for {@code GET /api/images}. Building it reads the whole id map, so it is
 * kept and rebuilt only when it is older than {@link #MAX_AGE} or after the server itself indexed or removed
 * files: paging and filtering then cost one pass over memory instead of one pass over the id map (a Redis or
 * Milvus round trip per thousand images) per request. Changes that other processes make to a shared Milvus/Redis
 * index show up within {@link #MAX_AGE}.
 */
final class ImageListing {

    /** How long a listing is reused. */
    static final Duration MAX_AGE = Duration.ofSeconds(5);

    private final IdMapper idMapper;
    private final Function<ImageRecord, ApiViews.Image> view;
    private final LongSupplier clock;
    private List<ApiViews.Image> images;
    private long builtAt;

    ImageListing(IdMapper idMapper, Function<ImageRecord, ApiViews.Image> view, LongSupplier nanoClock) {
        this.idMapper = idMapper;
        this.view = view;
        this.clock = nanoClock;
    }

    /** Every indexed image with a location, sorted by name then id; at most {@link #MAX_AGE} old. */
    synchronized List<ApiViews.Image> images() {
        long now = clock.getAsLong();
        if (images == null || now - builtAt > MAX_AGE.toNanos()) {
            images = build();
            builtAt = now;
        }
        return images;
    }

    /** Drops the kept listing: the next request reads the id map again. */
    synchronized void invalidate() {
        images = null;
    }

    private List<ApiViews.Image> build() {
        List<Long> ids = new ArrayList<>();
        idMapper.forEachId(ids::add);
        List<ApiViews.Image> all = new ArrayList<>(ids.size());
        for (int from = 0; from < ids.size(); from += 1000) {
            for (ImageRecord r : idMapper.getAll(ids.subList(from, Math.min(ids.size(), from + 1000))).values()) {
                if (!r.locations().isEmpty()) {
                    all.add(view.apply(r));
                }
            }
        }
        all.sort(Comparator.comparing(ApiViews.Image::name).thenComparing(ApiViews.Image::id));
        return List.copyOf(all);
    }
}
