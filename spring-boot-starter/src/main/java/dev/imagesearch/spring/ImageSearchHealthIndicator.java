package dev.imagesearch.spring;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.search.IndexedModel;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * UP with the image count and each model's vector count when the index answers; DOWN with the error when it does
 * not (a closed index, a Milvus or Redis server that is down).
 */
public final class ImageSearchHealthIndicator extends AbstractHealthIndicator {

    private final ImageSearch search;

    public ImageSearchHealthIndicator(ImageSearch search) {
        super("imagesearch health check failed");
        this.search = search;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("images", search.count());
        for (IndexedModel m : search.models()) {
            builder.withDetail("model." + m.name() + ".vectors", m.collection().count());
        }
        builder.up();
    }
}
