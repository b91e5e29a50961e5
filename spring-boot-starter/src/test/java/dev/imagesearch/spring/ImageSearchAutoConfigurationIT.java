package dev.imagesearch.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.IndexReport;
import dev.imagesearch.search.Match;
import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.onnx.ModelCatalog;
import dev.imagesearch.testing.PixelEmbedder;
import dev.imagesearch.testing.TestResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The starter in a real Spring application context, with the real default model on real photos. */
class ImageSearchAutoConfigurationIT {

    @TempDir
    Path tmp;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ImageSearchAutoConfiguration.class));

    private ApplicationContextRunner withModel() {
        TestResources.model(ModelCatalog.DEFAULT_MODEL);
        return runner.withPropertyValues(
                "imagesearch.data-directory=" + tmp.resolve("data"),
                "imagesearch.model-directory=" + TestResources.cache().resolve("models"));
    }

    @Test
    void indexesSearchesAndReportsHealthAndMetrics() throws Exception {
        Path dog = TestResources.photo("sample/darknet-dog.jpg");
        List<Path> photos = List.of(dog, TestResources.photo("sample/darknet-eagle.jpg"),
                TestResources.photo("sample/opencv-fruits.jpg"));
        withModel().withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            ImageSearch search = ctx.getBean(ImageSearch.class);
            assertThat(search.embedder().name()).isEqualTo(ModelCatalog.DEFAULT_MODEL);
            MeteredImageSearch metered = ctx.getBean(MeteredImageSearch.class);
            MeterRegistry registry = ctx.getBean(MeterRegistry.class);

            IndexReport report = metered.index(photos);
            assertThat(report.indexed()).isEqualTo(3);
            List<Match> hits = metered.similar(dog, 2);
            assertThat(hits.get(0).location()).isEqualTo(ImageSearch.locationOf(dog));
            assertThatThrownBy(() -> metered.similar("not an image".getBytes(), 2))
                    .isInstanceOf(ImageDecodeException.class);

            assertThat(registry.get("imagesearch.search").tag("outcome", "success").timer().count()).isEqualTo(1);
            assertThat(registry.get("imagesearch.search").tag("outcome", "failure").timer().count()).isEqualTo(1);
            assertThat(registry.get("imagesearch.index").tag("outcome", "success").timer().count()).isEqualTo(1);
            assertThat(registry.get("imagesearch.index.files").tag("result", "indexed").counter().count())
                    .isEqualTo(3.0);
            assertThat(registry.get("imagesearch.images").gauge().value()).isEqualTo(3.0);

            ImageSearchHealthIndicator health = ctx.getBean(ImageSearchHealthIndicator.class);
            Health up = health.health(true);
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.getDetails()).containsEntry("images", 3L)
                    .containsEntry("model." + ModelCatalog.DEFAULT_MODEL + ".vectors", 3L);
            search.close(); // as when a backend goes away: DOWN with the reason
            Health down = health.health(true);
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(down.getDetails().get("error").toString()).contains("closed");
        });
        assertThat(Files.isDirectory(tmp.resolve("data"))).isTrue();
    }

    @Test
    void theIndexIsClosedWithTheContext() {
        withModel().run(ctx -> assertThat(ctx.getBean(ImageSearch.class).count()).isZero());
        // closed and unlocked: the same data directory opens again
        withModel().run(ctx -> assertThat(ctx).hasNotFailed());
    }

    @Test
    void backsOffForTheApplicationsOwnImageSearch() {
        runner.withBean(ImageSearch.class, () -> ImageSearch.builder().embedder(PixelEmbedder.builder().build())
                .dataDirectory(tmp.resolve("own")).build()).run(ctx -> {
                    assertThat(ctx).hasSingleBean(ImageSearch.class);
                    assertThat(ctx.getBean(ImageSearch.class).embedder().name()).isEqualTo("test-pixels");
                    assertThat(ctx).hasSingleBean(MeteredImageSearch.class);
                });
    }

    @Test
    void anUnknownModelOrBackendFailsStartupWithOneClearMessage() {
        withModel().withPropertyValues("imagesearch.model=no-such-model").run(ctx ->
                assertThat(ctx).getFailure().rootCause().hasMessageContaining("no-such-model"));
        withModel().withPropertyValues("imagesearch.store-uri=cassandra://db:9042").run(ctx ->
                assertThat(ctx).getFailure().rootCause()
                        .hasMessageContaining("imagesearch.store-uri 'cassandra://db:9042' is not supported"));
        withModel().withPropertyValues("imagesearch.ids-uri=ftp://host:21").run(ctx ->
                assertThat(ctx).getFailure().rootCause()
                        .hasMessageContaining("imagesearch.ids-uri 'ftp://host:21' is not supported"));
    }
}
