package dev.imagesearch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.testing.TestResources;
import java.io.File;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny application module ({@code requires dev.imagesearch.core; requires dev.imagesearch.onnx;}) compiled and
 * run on the module path alone, without {@code --add-modules}: it indexes two real photos with the default model
 * from its artifact and finds one of them first. Also checks that every imagesearch jar names its module.
 */
class ModulePathIT {

    /** What an application using the ONNX embedder has at run time (from this module's test class path). */
    private static final List<String> RUNTIME_JARS = List.of("imagesearch-core-", "imagesearch-onnx-embedder-",
            "imagesearch-model-efficientnet-lite0-int8-", "onnxruntime-", "slf4j-api-", "slf4j-simple-", "imageio-",
            "common-", "resilience4j-");

    @TempDir
    Path tmp;

    private static List<Path> classPathJars() {
        List<Path> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            String name = p.getFileName().toString();
            if (name.endsWith(".jar") && !name.endsWith("-tests.jar")) {
                jars.add(p);
            }
        }
        return jars;
    }

    @Test
    void everyImagesearchJarNamesItsModule() throws Exception {
        List<Path> ours = classPathJars().stream()
                .filter(p -> p.getFileName().toString().startsWith("imagesearch-")).toList();
        assertThat(ours).as("the imagesearch jars on the class path (run in the verify phase, after package)")
                .extracting(p -> p.getFileName().toString().replaceAll("-\\d.*", ""))
                .contains("imagesearch-core", "imagesearch-onnx-embedder", "imagesearch-milvus-store",
                        "imagesearch-redis-idmap", "imagesearch-opencv-decoder",
                        "imagesearch-model-efficientnet-lite0-int8");
        for (Path jar : ours) {
            try (JarFile f = new JarFile(jar.toFile())) {
                Manifest m = f.getManifest();
                String name = m == null ? null : m.getMainAttributes().getValue("Automatic-Module-Name");
                boolean explicit = f.getEntry("module-info.class") != null;
                assertThat(explicit || (name != null && name.startsWith("dev.imagesearch.")))
                        .as("%s has a module-info or an Automatic-Module-Name (%s)", jar, name).isTrue();
            }
        }
    }

    @Test
    void anApplicationModuleRunsOnTheModulePathAlone() throws Exception {
        ExampleRuns.requireDefaultModelArtifact();
        List<Path> modulePath = classPathJars().stream()
                .filter(p -> RUNTIME_JARS.stream().anyMatch(p.getFileName().toString()::startsWith)).toList();
        assertThat(modulePath).extracting(p -> p.getFileName().toString())
                .anyMatch(n -> n.startsWith("imagesearch-core-")).anyMatch(n -> n.startsWith("slf4j-api-"));
        Path src = Files.createDirectories(tmp.resolve("src/smoke"));
        Files.writeString(tmp.resolve("src/module-info.java"),
                "module smoke {\n    requires dev.imagesearch.core;\n    requires dev.imagesearch.onnx;\n}\n");
        Files.writeString(src.resolve("Main.java"), """
                package smoke;

                import dev.imagesearch.ImageSearch;
                import dev.imagesearch.Match;
                import java.nio.file.Path;
                import java.util.List;

                public class Main {
                    public static void main(String[] args) {
                        try (ImageSearch search = ImageSearch.builder().dataDirectory(Path.of(args[0])).build()) {
                            System.out.println("indexed " + search.index(List.of(Path.of(args[1]), Path.of(args[2])))
                                    .indexed());
                            Match best = search.similar(Path.of(args[1]), 1).get(0);
                            System.out.printf("best %.4f %s%n", best.score(), best.location());
                        }
                    }
                }
                """);
        String mp = String.join(File.pathSeparator, modulePath.stream().map(Path::toString).toList());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean compiled = javac.getTask(diagnostics, null, null,
                List.of("--module-path", mp, "-d", tmp.resolve("out").toString()), null,
                javac.getStandardFileManager(null, null, null).getJavaFileObjects(
                        tmp.resolve("src/module-info.java").toFile(), src.resolve("Main.java").toFile())).call();
        assertThat(compiled).as(diagnostics.toString()).isTrue();

        Path dog = TestResources.photo("darknet/dog.jpg");
        Path eagle = TestResources.photo("darknet/eagle.jpg");
        List<String> cmd = List.of(ExampleRuns.javaExecutable(),
                "-Dimagesearch.models=" + Files.createDirectories(tmp.resolve("no-models")),
                "-Djava.io.tmpdir=" + Files.createDirectories(tmp.resolve("tmp")),
                "--module-path", mp + File.pathSeparator + tmp.resolve("out"),
                "-m", "smoke/smoke.Main", tmp.resolve("data").toString(), dog.toString(), eagle.toString());
        ExampleRuns.Result r = ExampleRuns.run(tmp, cmd);
        assertThat(r.exitCode()).as("stdout: %s%nstderr: %s", r.stdout(), r.stderr()).isZero();
        assertThat(r.stderr()).doesNotContain("NoClassDefFoundError").doesNotContain("SLF4J(W)");
        assertThat(r.stdout().lines()).containsExactly("indexed 2", "best 1.0000 " + dog.toAbsolutePath());
    }
}
