package dev.imagesearch.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MilvusIdMapperTest {

    @Test
    void theNamespaceOptionIsTakenOutOfTheAddress() {
        assertThat(MilvusIdMapper.splitNamespace("milvus://h:1")).containsExactly("milvus://h:1", null);
        assertThat(MilvusIdMapper.splitNamespace("milvus://h:1?namespace=photos"))
                .containsExactly("milvus://h:1", "photos");
        assertThat(MilvusIdMapper.splitNamespace("milvus://h:1?db=x&namespace=my%20photos&token=a%3Ab"))
                .containsExactly("milvus://h:1?db=x&token=a%3Ab", "my photos");
        assertThatThrownBy(() -> MilvusIdMapper.splitNamespace("milvus://h:1?namespace=&token=secret"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Empty namespace")
                .hasMessageNotContaining("secret");
    }

    @Test
    void collectionNamesArePrefixedAndValid() {
        MilvusConfig plain = MilvusConfig.parse("milvus://h:1");
        assertThat(MilvusIdMapper.collectionName(plain, null)).isEqualTo("imagesearch_idmap_default");
        assertThat(MilvusIdMapper.collectionName(plain, "photos")).isEqualTo("imagesearch_idmap_photos");
        String odd = MilvusIdMapper.collectionName(MilvusConfig.parse("milvus://h:1?prefix=app_"), "my photos/2024");
        assertThat(odd).startsWith("app_imagesearch_idmap_my_photos_2024_").matches(CollectionNames::isValid);
        assertThatThrownBy(() -> MilvusIdMapper.collectionName(plain, " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespace");
    }

    @Test
    void stringLiteralsEscapeQuotesBackslashesAndLineBreaks() {
        assertThat(MilvusIdMapper.quote("/a/b.jpg")).isEqualTo("\"/a/b.jpg\"");
        assertThat(MilvusIdMapper.quote("say \"hi\"\\x\n\r\t'é☕"))
                .isEqualTo("\"say \\\"hi\\\"\\\\x\\n\\r\\t'é☕\"");
    }
}
