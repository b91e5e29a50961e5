package dev.imagesearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI where OpenCV's native library cannot load. The {@code org.openpnp:opencv} jar extracts its library to
 * {@code java.io.tmpdir} first, so a JVM whose temporary directory does not exist is a real case of that failure
 * (as on a host with a read-only or missing /tmp). Runs the CLI (fake models) in a child JVM: the native library
 * loads at most once per process.
 */
class OpenCvUnavailableCliTest {

    @TempDir
    Path tmp;
    Path photos;

    @BeforeEach
    void pictures() throws IOException {
        photos = Files.createDirectories(tmp.resolve("photos"));
        for (int i = 0; i < 3; i++) {
            FakeModels.picture(photos.resolve("p" + i + ".png"), i);
        }
        FakeModels.picture(photos.resolve("p3.jpg"), 3);
    }

    private record Child(int exit, String output) {
    }

    private Child cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Djava.io.tmpdir=" + tmp.resolve("no-such-dir"), "-cp",
                System.getProperty("java.class.path"), FakeCliMain.class.getName()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(tmp, "child", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = p.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as("the child ended within 60 s; output: %s", out).isTrue();
        return new Child(p.exitValue(), out);
    }

    @Test
    void autoFallsBackToImageIoWithAWarningAndOpencvFailsWithOneClearLine() throws Exception {
        Path data = tmp.resolve("data");
        Child auto = cli("index", photos.toString(), "--model", "grid", "--data", data.toString());
        assertThat(auto.exit()).as(auto.output()).isZero();
        assertThat(auto.output().lines().filter(l -> l.startsWith("imagesearch: warning:"))).singleElement()
                .asString().contains("Cannot load OpenCV's native library")
                .contains("caused by java.nio.file.NoSuchFileException").endsWith("; decoding with ImageIO");
        assertThat(auto.output()).contains("indexed:   4 (4 embedded");

        // the index is an ImageIO one: a process where OpenCV loads reads it the same way (auto), or refuses opencv
        CliRun again = CliRun.fake("similar", "--model", "grid", "--data", data.toString(), "-k", "1",
                photos.resolve("p3.jpg").toString());
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).contains("1.0000  " + photos.resolve("p3.jpg"));

        Child forced = cli("index", photos.toString(), "--model", "grid", "--jpeg-decoder", "opencv", "--data",
                tmp.resolve("other").toString());
        assertThat(forced.exit()).as(forced.output()).isEqualTo(ImageSearchCli.EXIT_ERROR);
        assertThat(forced.output().lines().filter(l -> l.startsWith("imagesearch: error:")))
                .singleElement().asString().contains("Cannot load OpenCV's native library")
                .endsWith("; use --jpeg-decoder imageio");
    }
}
