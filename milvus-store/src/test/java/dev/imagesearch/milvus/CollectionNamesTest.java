package dev.imagesearch.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CollectionNamesTest {

    @Test
    void validNamesAreKept() {
        assertThat(CollectionNames.derive("", "efficientnet_lite0")).isEqualTo("efficientnet_lite0");
        assertThat(CollectionNames.derive("app_", "Model1")).isEqualTo("app_Model1");
        assertThat(CollectionNames.derive("", "_x")).isEqualTo("_x");
    }

    @Test
    void invalidCharactersBecomeUnderscoresPlusAHashOfTheOriginal() {
        String name = CollectionNames.derive("", "efficientnet-lite0");
        assertThat(name).matches("efficientnet_lite0_[0-9a-f]{8}");
        assertThat(CollectionNames.isValid(name)).isTrue();
        assertThat(CollectionNames.derive("", "efficientnet-lite0")).as("deterministic").isEqualTo(name);
    }

    @Test
    void namesThatSanitiseAlikeStayDistinct() {
        String dash = CollectionNames.derive("", "a-b");
        String dot = CollectionNames.derive("", "a.b");
        String plain = CollectionNames.derive("", "a_b");
        assertThat(dash).isNotEqualTo(dot).isNotEqualTo(plain).startsWith("a_b_");
        assertThat(dot).startsWith("a_b_");
    }

    @Test
    void leadingDigitNonAsciiAndSpacesAreHandled() {
        String name = CollectionNames.derive("", "2024 modèle/v1");
        assertThat(name).matches("_2024_mod_le_v1_[0-9a-f]{8}");
        assertThat(CollectionNames.derive("p_", "9x")).as("the prefix already starts the name")
                .matches("p_9x");
    }

    @Test
    void longNamesAreCutTo255WithTheHashKept() {
        String longName = "m".repeat(300);
        String name = CollectionNames.derive("", longName);
        assertThat(name).hasSize(CollectionNames.MAX_LENGTH).matches("m+_[0-9a-f]{8}");
        assertThat(CollectionNames.derive("", longName + "x")).isNotEqualTo(name);
        assertThat(CollectionNames.isValid(name)).isTrue();
    }

    @Test
    void validity() {
        assertThat(CollectionNames.isValid("a1_b")).isTrue();
        assertThat(CollectionNames.isValid("1a")).isFalse();
        assertThat(CollectionNames.isValid("a-b")).isFalse();
        assertThat(CollectionNames.isValid("")).isFalse();
        assertThat(CollectionNames.isValid("a".repeat(256))).isFalse();
        assertThatThrownBy(() -> CollectionNames.derive("", "")).isInstanceOf(IllegalArgumentException.class);
    }
}
