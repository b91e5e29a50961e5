package dev.imagesearch.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.backend.Backends;
import dev.imagesearch.error.BackendException;
import dev.imagesearch.error.ImageSearchException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The Milvus URI grammar and the registration of the providers; no server needed. */
class MilvusProvidersTest {

    @Test
    void bothProvidersAreFoundForBothSchemes() {
        assertThat(Backends.vectorStoreSchemes()).contains("embedded", "milvus", "milvuss");
        assertThat(Backends.idMapperSchemes()).contains("embedded", "milvus", "milvuss");
    }

    @Test
    void thePathNamesTheDatabaseAndEveryOptionMapsOntoTheConfig() {
        MilvusConfig c = MilvusConfig.parse("milvuss://m.example/photos?token=root%3AMilvus&prefix=app_&index=HNSW"
                + "&timeout=2.5&connectTimeout=3&retries=4&retryBackoff=50&serverFlush=true");
        assertThat(c.uri()).isEqualTo("https://m.example:19530");
        assertThat(c.secure()).isTrue();
        assertThat(c.databaseName()).isEqualTo("photos");
        assertThat(c.token()).isEqualTo("root:Milvus");
        assertThat(c.collectionPrefix()).isEqualTo("app_");
        assertThat(c.indexType()).isEqualTo(MilvusConfig.IndexType.HNSW);
        assertThat(c.callTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.retryPolicy().retries()).isEqualTo(4);
        assertThat(c.retryPolicy().initialBackoff()).isEqualTo(Duration.ofMillis(50));
        assertThat(c.serverFlush()).isTrue();
        assertThat(MilvusConfig.parse("milvus://h:1/").databaseName()).isNull();
    }

    @Test
    void badPathsAndOptionsAreNamed() {
        assertThatThrownBy(() -> MilvusConfig.parse("milvus://h:1/a/b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/a/b");
        assertThatThrownBy(() -> MilvusConfig.parse("milvus://h:1/a?database=b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("given twice");
        assertThatThrownBy(() -> MilvusConfig.parse("milvus://h:1?retryBackoff=soon&token=secret"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryBackoff")
                .hasMessageNotContaining("secret");
    }

    @Test
    void aServerThatIsNotThereFailsFastAsABackendException() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String uri = "milvus://127.0.0.1:" + port + "?connectTimeout=2&retries=0";
        long start = System.nanoTime();
        assertThatThrownBy(() -> Backends.vectorStore(uri)).isInstanceOf(BackendException.class)
                .hasMessageContaining("127.0.0.1:" + port);
        assertThatThrownBy(() -> Backends.idMapper(uri + "&namespace=x"))
                .isInstanceOf(BackendException.class).isInstanceOf(MilvusIdMapException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void backendExceptionsShareOneBase() {
        assertThat(BackendException.class).isAssignableFrom(MilvusIdMapException.class)
                .isAssignableFrom(MilvusUnreachableException.class)
                .isAssignableFrom(dev.imagesearch.store.VectorStoreException.class);
        assertThat(ImageSearchException.class).isAssignableFrom(BackendException.class);
    }
}
