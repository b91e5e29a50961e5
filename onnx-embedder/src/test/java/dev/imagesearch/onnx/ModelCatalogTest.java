package dev.imagesearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.embed.EmbeddingException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ModelCatalog over a directory of tiny generated models with model.properties descriptors. */
class ModelCatalogTest {

    @TempDir
    Path root;

    private Path model(String name, String extra) throws Exception {
        Path dir = Files.createDirectories(root.resolve(name));
        TinyOnnx.write(dir.resolve("model.onnx"), TinyOnnx.FLOAT, -1, 3, -2, -3); // any size: presets are 224
        String sha = OnnxModel.sha256(dir.resolve("model.onnx"));
        Files.writeString(dir.resolve("model.properties"), "name=" + name + "\nfile=model.onnx\nsha256=" + sha
                + "\ndimension=3\noutput=map\npooling=avg\npreset=keras-tf\nlabels=labels.txt\n" + extra);
        Files.writeString(dir.resolve("labels.txt"), "red\ngreen\nblue\n");
        return dir;
    }

    @Test
    void listsAndLoadsModelsByName() throws Exception {
        model("alpha", "");
        model("beta", "");
        Files.createDirectories(root.resolve("not-a-model"));
        ModelCatalog catalog = ModelCatalog.at(root);
        assertThat(catalog.names()).containsExactly("alpha", "beta");
        try (OnnxEmbedder e = catalog.load("beta")) {
            assertThat(e.name()).isEqualTo("beta");
            assertThat(e.dimension()).isEqualTo(3);
            assertThat(e.info().width()).isEqualTo(224);
            assertThat(e.descriptor()).isPresent();
            assertThat(e.descriptor().get().readLabels()).containsExactly("red", "green", "blue");
            assertThat(e.fingerprint()).contains("stretch;nearest");
        }
        try (OnnxEmbedder e = catalog.load(root.resolve("alpha").toString())) {
            assertThat(e.name()).isEqualTo("alpha");
        }
    }

    @Test
    void unknownNameListsTheAvailableModelsAndHowToProvision() throws Exception {
        model("alpha", "");
        assertThatThrownBy(() -> ModelCatalog.at(root).load("efficientnet-lite0"))
                .isInstanceOfSatisfying(UnknownModelException.class, e -> {
                    assertThat(e.available()).containsExactly("alpha");
                    assertThat(e.requested()).isEqualTo("efficientnet-lite0");
                })
                .hasMessageContaining("alpha").hasMessageContaining("provision.sh");
        assertThatThrownBy(() -> ModelCatalog.at(root.resolve("empty")).load("x"))
                .isInstanceOf(UnknownModelException.class).hasMessageContaining("No models are provisioned");
    }

    @Test
    void onnxFileNeedsAPreset() throws Exception {
        Path file = TinyOnnx.write(root.resolve("plain.onnx"), TinyOnnx.FLOAT, -1, 3, -2, -3);
        ModelCatalog catalog = ModelCatalog.at(root);
        assertThatThrownBy(() -> catalog.load(file.toString())).isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("preset").hasMessageContaining("torchvision-imagenet");
        try (OnnxEmbedder e = catalog.load(file.toString(), "nsfwjs-299")) {
            assertThat(e.name()).isEqualTo("plain");
            assertThat(e.info().width()).isEqualTo(299);
        }
    }

    @Test
    void descriptorMismatchesAreClearErrors() throws Exception {
        Path dir = model("gamma", "");
        Files.writeString(dir.resolve("model.properties"), Files.readString(dir.resolve("model.properties"))
                .replace("dimension=3", "dimension=1280"));
        assertThatThrownBy(() -> ModelCatalog.at(root).load("gamma")).isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("dimension=1280").hasMessageContaining("gives 3");
        Path other = model("delta", "");
        String props = Files.readString(other.resolve("model.properties"));
        Files.writeString(other.resolve("model.properties"), props.replaceAll("sha256=\\w+", "sha256=00ff"));
        assertThatThrownBy(() -> OnnxEmbedder.fromDirectory(other)).isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("00ff").hasMessageContaining("provision");
        Files.writeString(other.resolve("model.properties"), "name=delta\n");
        assertThatThrownBy(() -> OnnxEmbedder.fromDirectory(other)).hasMessageContaining("no 'preset'");
    }

    @Test
    void defaultDirectoryEndsInModels() {
        assertThat(ModelCatalog.defaultDirectory().getFileName().toString()).isNotBlank();
        assertThat(ModelCatalog.DEFAULT_MODEL).isEqualTo("efficientnet-lite0-int8");
    }
}
