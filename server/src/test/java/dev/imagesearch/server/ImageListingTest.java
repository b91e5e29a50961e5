package dev.imagesearch.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.embedded.EmbeddedIdMapper;
import dev.imagesearch.idmap.ImageRecord;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageListingTest {

    @TempDir
    Path tmp;

    @Test
    void keptUntilOldOrInvalidatedThenReadAgain() {
        AtomicLong now = new AtomicLong();
        AtomicInteger built = new AtomicInteger();
        try (EmbeddedIdMapper ids = EmbeddedIdMapper.open(tmp)) {
            ids.put("/photos/b.jpg", 2, "h2");
            ids.put("/photos/a.jpg", 1, "h1");
            ImageListing listing = new ImageListing(ids, (ImageRecord r) -> {
                built.incrementAndGet();
                return new ApiViews.Image(Long.toString(r.id()), Requests.name(r.primaryLocation()),
                        r.primaryLocation(), r.locations(), r.contentHash(), "", "");
            }, now::get);

            assertThat(listing.images()).extracting(ApiViews.Image::name).containsExactly("a.jpg", "b.jpg");
            ids.put("/photos/c.jpg", 3, "h3");
            now.addAndGet(ImageListing.MAX_AGE.toNanos() - 1);
            // within the age limit: the kept listing, no read of the id map
            assertThat(listing.images()).hasSize(2);
            assertThat(built).hasValue(2);

            now.addAndGet(2);
            assertThat(listing.images()).extracting(ApiViews.Image::name).containsExactly("a.jpg", "b.jpg", "c.jpg");
            assertThat(built).hasValue(5);

            ids.remove("/photos/a.jpg");
            listing.invalidate();
            assertThat(listing.images()).extracting(ApiViews.Image::name).containsExactly("b.jpg", "c.jpg");
        }
    }
}
