package dev.imagesearch.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MilvusConfigTest {

    @Test
    void defaults() {
        MilvusConfig c = MilvusConfig.builder().build();
        assertThat(c.uri()).isEqualTo("http://localhost:19530");
        assertThat(c.token()).isNull();
        assertThat(c.databaseName()).isNull();
        assertThat(c.secure()).isFalse();
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.callTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.retries()).isEqualTo(2);
        assertThat(c.indexType()).isEqualTo(MilvusConfig.IndexType.AUTOINDEX);
        assertThat(c.collectionPrefix()).isEmpty();
        assertThat(c.maxRequestBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(c.serverFlush()).isFalse();
        assertThat(MilvusConfig.builder().uri("https://h:443").build().secure()).isTrue();
    }

    @Test
    void parsesCliAddresses() {
        MilvusConfig c = MilvusConfig.parse("milvus://db.example:19531?token=root%3AMilvus&db=images&prefix=app_"
                + "&index=hnsw&timeout=2.5&connectTimeout=1&retries=0");
        assertThat(c.uri()).isEqualTo("http://db.example:19531");
        assertThat(c.token()).isEqualTo("root:Milvus");
        assertThat(c.databaseName()).isEqualTo("images");
        assertThat(c.collectionPrefix()).isEqualTo("app_");
        assertThat(c.indexType()).isEqualTo(MilvusConfig.IndexType.HNSW);
        assertThat(c.callTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.retries()).isZero();
        assertThat(c.secure()).isFalse();
        assertThat(c.toString()).doesNotContain("Milvus\"").doesNotContain("root:Milvus");

        assertThat(MilvusConfig.parse("milvus://localhost").uri()).isEqualTo("http://localhost:19530");
        MilvusConfig tls = MilvusConfig.parse("milvuss://h:1?user=u&password=p");
        assertThat(tls.uri()).isEqualTo("https://h:1");
        assertThat(tls.secure()).isTrue();
        assertThat(tls.user()).isEqualTo("u");
        assertThat(MilvusConfig.parse("http://127.0.0.1:4000").uri()).isEqualTo("http://127.0.0.1:4000");
    }

    @Test
    void badAddressesNameTheProblemAndHideSecrets() {
        assertThatThrownBy(() -> MilvusConfig.parse("redis://h:1")).hasMessageContaining("redis://h:1")
                .hasMessageContaining("scheme");
        assertThatThrownBy(() -> MilvusConfig.parse("milvus://h:1?colour=red")).hasMessageContaining("colour");
        assertThatThrownBy(() -> MilvusConfig.parse("milvus://h:1?token=secret&index=BTREE"))
                .hasMessageContaining("BTREE").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> MilvusConfig.parse("milvus://h:1/mydb?db=other")).hasMessageContaining("db=");
        assertThatThrownBy(() -> MilvusConfig.parse("milvus:///x")).hasMessageContaining("host");
    }

    @Test
    void builderRefusesBadValues() {
        assertThatThrownBy(() -> MilvusConfig.builder().uri("localhost:19530"))
                .hasMessageContaining("localhost:19530");
        assertThatThrownBy(() -> MilvusConfig.builder().retries(-1)).hasMessageContaining("-1");
        assertThatThrownBy(() -> MilvusConfig.builder().callTimeout(Duration.ZERO)).hasMessageContaining("callTimeout");
        assertThatThrownBy(() -> MilvusConfig.builder().collectionPrefix("1x")).hasMessageContaining("1x");
        assertThatThrownBy(() -> MilvusConfig.builder().password("p").build()).hasMessageContaining("user");
    }

    @Test
    void chunksOfLargeVectorsStayWellBelowTheGrpcLimit() {
        int rows = MilvusCollection.rowsPerRequest(2048, 16 * 1024 * 1024);
        long bytes = rows * (4L * 2048 + MilvusCollection.ROW_OVERHEAD_BYTES);
        assertThat(bytes).isLessThanOrEqualTo(16L * 1024 * 1024);
        assertThat(rows).isBetween(1000, 9000);
        assertThat(MilvusCollection.rowsPerRequest(1_000_000, 65536)).isEqualTo(1);
    }
}
