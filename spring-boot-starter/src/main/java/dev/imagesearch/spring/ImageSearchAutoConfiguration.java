package dev.imagesearch.spring;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.embed.Embedder;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.onnx.ModelCatalog;
import dev.imagesearch.store.VectorStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * An {@link ImageSearch} from {@code imagesearch.*} properties ({@link ImageSearchProperties}), a
 * {@link MeteredImageSearch} over it, and, with spring-boot-health on the class path, a health indicator. Each backs
 * off when the application defines its own bean of that type.
 */
@AutoConfiguration
@EnableConfigurationProperties(ImageSearchProperties.class)
public class ImageSearchAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ImageSearch imageSearch(ImageSearchProperties p) {
        ModelCatalog catalog = ModelCatalog.at(p.getModelDirectory() != null ? p.getModelDirectory()
                : ModelCatalog.defaultDirectory());
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            ImageSearch.Builder b = ImageSearch.builder().dataDirectory(p.getDataDirectory());
            if (!Backends.embedded(p.getStoreUri())) {
                VectorStore store = Backends.store(p.getStoreUri());
                opened.add(store);
                b.vectorStore(store);
            }
            if (!Backends.embedded(p.getIdsUri())) {
                IdMapper ids = Backends.ids(p.getIdsUri());
                opened.add(ids);
                b.idMapper(ids);
            }
            Embedder primary = catalog.load(p.getModel());
            opened.add(primary);
            b.embedder(primary);
            for (String more : p.getAdditionalModels()) {
                Embedder e = catalog.load(more);
                opened.add(e);
                b.addEmbedder(e);
            }
            return b.build(); // from here on the ImageSearch owns and closes them
        } catch (RuntimeException e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** Timers and counters in the application's {@link MeterRegistry}, or Micrometer's global one. */
    @Bean
    @ConditionalOnMissingBean
    public MeteredImageSearch meteredImageSearch(ImageSearch search, ObjectProvider<MeterRegistry> registry) {
        return new MeteredImageSearch(search, registry.getIfAvailable(() -> Metrics.globalRegistry));
    }

    /** Registered only when the application has Spring Boot's health support. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Health {
        @Bean
        @ConditionalOnMissingBean(name = "imageSearchHealthIndicator")
        ImageSearchHealthIndicator imageSearchHealthIndicator(ImageSearch search) {
            return new ImageSearchHealthIndicator(search);
        }
    }
}
