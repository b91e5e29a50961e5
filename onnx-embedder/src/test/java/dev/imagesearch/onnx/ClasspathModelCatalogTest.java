package dev.imagesearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.embed.EmbeddingException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models found on the classpath, laid out as the model artifacts lay them out (scripts/models/stage-artifact.sh),
 * in real jars loaded by a class loader; and the model directory set by builder and system property.
 */
class ClasspathModelCatalogTest {

    @TempDir
    Path tmp;

    /** A model artifact jar holding one tiny real ONNX model; {@code shaOverride} replaces the true checksum. */
    private Path modelJar(String name, String shaOverride) throws Exception {
        Path onnx = TinyOnnx.write(tmp.resolve(name + "-build.onnx"), TinyOnnx.FLOAT, -1, 3, -2, -3);
        String sha = shaOverride != null ? shaOverride : OnnxModel.sha256(onnx);
        String dir = ClasspathModels.ROOT + "models/" + name + "/";
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(ClasspathModels.INDEX, (name + "\n").getBytes(StandardCharsets.UTF_8));
        entries.put(dir + "model.properties", ("name=" + name + "\nfile=model.onnx\nsha256=" + sha + "\ndimension=3"
                + "\noutput=map\npooling=avg\npreset=keras-tf\nlabels=labels.txt\nlicense=MIT\n")
                .getBytes(StandardCharsets.UTF_8));
        entries.put(dir + "model.onnx", Files.readAllBytes(onnx));
        entries.put(dir + "labels.txt", "red\ngreen\nblue\n".getBytes(StandardCharsets.UTF_8));
        return jar(tmp.resolve("imagesearch-model-" + name + ".jar"), entries);
    }

    private static Path jar(Path file, Map<String, byte[]> entries) throws Exception {
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                jar.putNextEntry(new JarEntry(e.getKey()));
                jar.write(e.getValue());
                jar.closeEntry();
            }
        }
        return file;
    }

    private static URLClassLoader loader(Path... jars) throws Exception {
        URL[] urls = new URL[jars.length];
        for (int i = 0; i < jars.length; i++) {
            urls[i] = jars[i].toUri().toURL();
        }
        return new URLClassLoader(urls, null);
    }

    private ModelCatalog catalog(ClassLoader loader) {
        return ModelCatalog.builder().directory(tmp.resolve("no-models-here")).classLoader(loader)
                .extractTo(tmp.resolve("extracted")).build();
    }

    @Test
    void findsAndLoadsModelsFromJarsOnTheClasspath() throws Exception {
        try (URLClassLoader cl = loader(modelJar("alpha", null), modelJar("beta", null))) {
            ModelCatalog catalog = catalog(cl);
            assertThat(catalog.names()).containsExactly("alpha", "beta");
            try (OnnxEmbedder e = catalog.load("beta")) {
                assertThat(e.name()).isEqualTo("beta");
                assertThat(e.dimension()).isEqualTo(3);
                assertThat(e.descriptor().orElseThrow().readLabels()).containsExactly("red", "green", "blue");
                assertThat(e.descriptor().orElseThrow().properties()).containsEntry("license", "MIT");
            }
            // the second load reuses the copy
            try (OnnxEmbedder again = catalog.load("beta")) {
                assertThat(again.fingerprint()).startsWith("beta@sha256:");
            }
            try (var copies = Files.list(tmp.resolve("extracted"))) {
                assertThat(copies.map(p -> p.getFileName().toString())).hasSize(1).allMatch(n -> n.startsWith("beta-"));
            }
            assertThat(catalog.describe("alpha").dimension()).isEqualTo(3);
        }
    }

    @Test
    void aModelInTheDirectoryWinsOverTheClasspath() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("models/alpha"));
        TinyOnnx.write(dir.resolve("model.onnx"), TinyOnnx.FLOAT, -1, 3, -2, -3);
        Files.writeString(dir.resolve("model.properties"), "name=alpha-from-directory\npreset=nsfwjs-299\n");
        try (URLClassLoader cl = loader(modelJar("alpha", null))) {
            ModelCatalog catalog = ModelCatalog.builder().directory(tmp.resolve("models")).classLoader(cl)
                    .extractTo(tmp.resolve("extracted")).build();
            try (OnnxEmbedder e = catalog.load("alpha")) {
                assertThat(e.name()).isEqualTo("alpha-from-directory");
            }
            assertThat(ModelCatalog.builder().directory(tmp.resolve("models")).classpath(false).build().names())
                    .containsExactly("alpha");
        }
    }

    @Test
    void aDamagedClasspathModelIsOneClearError() throws Exception {
        String wrong = "0".repeat(64);
        try (URLClassLoader cl = loader(modelJar("gamma", wrong))) {
            assertThatThrownBy(() -> catalog(cl).load("gamma")).isInstanceOf(EmbeddingException.class)
                    .hasMessageStartingWith("Model 'gamma' from ")
                    .hasMessageContaining("imagesearch-model-gamma.jar is damaged: its model.onnx has SHA-256 ")
                    .hasMessageContaining("but its model.properties expects " + wrong)
                    .hasMessageContaining("rebuild or download again the artifact "
                            + "dev.imagesearch:imagesearch-model-gamma");
            assertThat(tmp.resolve("extracted").resolve("gamma-" + wrong.substring(0, 16))).doesNotExist();
        }
    }

    @Test
    void aCopyDamagedAfterExtractionIsCopiedAgain() throws Exception {
        try (URLClassLoader cl = loader(modelJar("delta", null))) {
            catalog(cl).load("delta").close();
            Path copy;
            try (var copies = Files.list(tmp.resolve("extracted"))) {
                copy = copies.findFirst().orElseThrow().resolve("model.onnx");
            }
            byte[] bytes = Files.readAllBytes(copy);
            bytes[bytes.length / 2] ^= 1;
            Files.write(copy, bytes);
            String damaged = OnnxModel.sha256(copy);
            try (OnnxEmbedder e = catalog(cl).load("delta")) {
                assertThat(e.modelSha256()).isNotEqualTo(damaged).isEqualTo(OnnxModel.sha256(copy));
            }
        }
    }

    @Test
    void anArtifactBuiltWithoutItsModelSaysWhy() throws Exception {
        Path jar = jar(tmp.resolve("imagesearch-model-epsilon.jar"), Map.of(ClasspathModels.MISSING,
                "epsilon\tbuilt without its model: python3 (needed to build it) is not installed\n"
                        .getBytes(StandardCharsets.UTF_8)));
        try (URLClassLoader cl = loader(jar)) {
            assertThatThrownBy(() -> catalog(cl).load("epsilon")).isInstanceOf(UnknownModelException.class)
                    .hasMessageContaining("imagesearch-model-epsilon is on the classpath but was built without its "
                            + "model: python3 (needed to build it) is not installed");
        }
    }

    @Test
    void anUnknownNameSaysWhichArtifactToAdd() throws Exception {
        try (URLClassLoader cl = loader(modelJar("alpha", null))) {
            assertThatThrownBy(() -> catalog(cl).load("zeta")).isInstanceOf(UnknownModelException.class)
                    .hasMessageContaining("or on the classpath").hasMessageContaining("Available: alpha")
                    .hasMessageContaining("add the model's Maven artifact (dev.imagesearch:imagesearch-model-zeta)");
        }
    }

    @Test
    void theModelDirectoryCanBeSetBySystemProperty() {
        String before = System.getProperty(ModelCatalog.DIRECTORY_PROPERTY);
        try {
            System.setProperty(ModelCatalog.DIRECTORY_PROPERTY, tmp.resolve("elsewhere").toString());
            assertThat(ModelCatalog.defaultDirectory()).isEqualTo(tmp.resolve("elsewhere"));
            assertThat(ModelCatalog.atDefaultDirectory().directory()).isEqualTo(tmp.resolve("elsewhere"));
        } finally {
            if (before == null) {
                System.clearProperty(ModelCatalog.DIRECTORY_PROPERTY);
            } else {
                System.setProperty(ModelCatalog.DIRECTORY_PROPERTY, before);
            }
        }
    }

    @Test
    void imageSearchFindsTheDefaultEmbedderThroughTheServiceLoader() throws Exception {
        // the default model is efficientnet-lite0; a tiny model of that name in a jar stands in for its artifact
        Path jar = modelJar(ModelCatalog.DEFAULT_MODEL, null);
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        String dirBefore = System.getProperty(ModelCatalog.DIRECTORY_PROPERTY);
        try (URLClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, before)) {
            Thread.currentThread().setContextClassLoader(cl);
            System.setProperty(ModelCatalog.DIRECTORY_PROPERTY, tmp.resolve("empty-models").toString());
            try (ImageSearch search = ImageSearch.builder().dataDirectory(tmp.resolve("data")).build()) {
                assertThat(search.embedder().name()).isEqualTo(ModelCatalog.DEFAULT_MODEL);
                assertThat(search.embedder().dimension()).isEqualTo(3);
            }
        } finally {
            Thread.currentThread().setContextClassLoader(before);
            if (dirBefore == null) {
                System.clearProperty(ModelCatalog.DIRECTORY_PROPERTY);
            } else {
                System.setProperty(ModelCatalog.DIRECTORY_PROPERTY, dirBefore);
            }
        }
    }
}
