package dev.imagesearch.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.embedded.EmbeddedIdMapper;
import dev.imagesearch.embedded.EmbeddedVectorStore;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.store.VectorStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** URI parsing and provider lookup; the embedded providers are the ones core registers. */
class BackendsTest {

    @TempDir
    Path dir;

    @Test
    void blankAndTheWordEmbeddedMeanTheEmbeddedDefault() {
        assertThat(Backends.toUri(null)).isEqualTo(URI.create("embedded:imagesearch-data"));
        assertThat(Backends.toUri("  ")).isEqualTo(URI.create("embedded:imagesearch-data"));
        assertThat(Backends.toUri("Embedded")).isEqualTo(URI.create("embedded:imagesearch-data"));
    }

    @Test
    void aPlainPathIsAnEmbeddedUriWithItsCharactersKept() {
        URI u = Backends.toUri("/data/my photos?#1");
        assertThat(Backends.scheme(u)).isEqualTo("embedded");
        assertThat(u.getRawSchemeSpecificPart()).isEqualTo("/data/my%20photos%3F%231");
        assertThat(Backends.toUri("C:\\index").getScheme()).isEqualTo("embedded");
        assertThat(Backends.toUri("relative/dir").toString()).isEqualTo("embedded:relative/dir");
        assertThat(Backends.toUri("milvus://h:1/db?index=FLAT")).isEqualTo(URI.create("milvus://h:1/db?index=FLAT"));
    }

    @Test
    void isEmbeddedTellsPathsAndTheEmbeddedSchemeFromServerUris() {
        assertThat(Backends.isEmbedded(null)).isTrue();
        assertThat(Backends.isEmbedded("embedded")).isTrue();
        assertThat(Backends.isEmbedded("EMBEDDED:/x?precision=float16")).isTrue();
        assertThat(Backends.isEmbedded("some/dir")).isTrue();
        assertThat(Backends.isEmbedded("D:\\x")).isTrue();
        assertThat(Backends.isEmbedded("milvus://h:19530")).isFalse();
        assertThat(Backends.isEmbedded("redis://h:6379")).isFalse();
    }

    @Test
    void anInvalidUriIsAClearErrorWithoutItsSecrets() {
        assertThatThrownBy(() -> Backends.toUri("redis://u:s3cret@h:1/ bad"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a valid backend URI")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void redactHidesPasswordsAndTokens() {
        assertThat(Backends.redact("rediss://app:s3cret@h:6380/2")).isEqualTo("rediss://app:***@h:6380/2");
        assertThat(Backends.redact("milvus://h:1?token=root:Milvus&db=x")).isEqualTo("milvus://h:1?token=***&db=x");
    }

    @Test
    void coreRegistersTheEmbeddedProviders() {
        assertThat(Backends.vectorStoreSchemes()).contains("embedded");
        assertThat(Backends.idMapperSchemes()).contains("embedded");
    }

    @Test
    void anUnknownSchemeListsTheKnownOnesAndTheArtifactToAdd() {
        // core's own tests have only the embedded providers on the class path
        assertThatThrownBy(() -> Backends.vectorStore("milvus://h:19530"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no provider for the scheme 'milvus'")
                .hasMessageContaining("Schemes available: embedded")
                .hasMessageContaining("dev.imagesearch:imagesearch-milvus-store");
        assertThatThrownBy(() -> Backends.idMapper("rediss://u:pw@h:6379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dev.imagesearch:imagesearch-redis-idmap")
                .hasMessageNotContaining(":pw@");
        assertThatThrownBy(() -> Backends.vectorStore("redis://h:6379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no provider for the scheme 'redis'")
                .hasMessageNotContaining("imagesearch-redis-idmap");
        assertThatThrownBy(() -> Backends.idMapper("ftp://h/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'ftp'");
    }

    @Test
    void embeddedUrisAndPathsOpenTheEmbeddedBackendsInThatDirectory() throws Exception {
        Path spaced = dir.resolve("my index");
        try (VectorStore store = Backends.vectorStore(spaced.toString());
             IdMapper ids = Backends.idMapper("embedded:" + spaced.toUri().getRawPath())) {
            assertThat(store).isInstanceOf(EmbeddedVectorStore.class);
            assertThat(((EmbeddedVectorStore) store).precision()).isEqualTo(EmbeddedVectorStore.Precision.FLOAT32);
            assertThat(ids).isInstanceOf(EmbeddedIdMapper.class);
            ids.put("a.jpg", 7L, "h");
            ids.flush();
        }
        assertThat(Files.exists(spaced.resolve("ids.log"))).isTrue();
        try (VectorStore store = Backends.vectorStore("embedded://" + spaced.toUri().getRawPath()
                + "?precision=float16")) {
            assertThat(((EmbeddedVectorStore) store).precision()).isEqualTo(EmbeddedVectorStore.Precision.FLOAT16);
        }
    }

    @Test
    void badEmbeddedOptionsAreRefusedByName() {
        assertThatThrownBy(() -> Backends.vectorStore("embedded:" + dir + "?precision=int8"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("int8")
                .hasMessageContaining("float16");
        assertThatThrownBy(() -> Backends.vectorStore("embedded:" + dir + "?precison=float16"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown option 'precison'").hasMessageContaining("known options: precision");
        assertThatThrownBy(() -> Backends.idMapper("embedded:" + dir + "?precision=float16"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("known options: none");
        assertThatThrownBy(() -> Backends.idMapper("embedded://host/dir"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a host");
    }
}
