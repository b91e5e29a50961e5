package dev.imagesearch.examples;

import dev.imagesearch.testing.TestResources;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program in a fresh JVM in a given working directory, as a user would from a shell; the class path (this
 * JVM's) is passed as {@code CLASSPATH}.
 */
final class ExampleRuns {

    /** The default model's file in its artifact, as the model jar lays it out. */
    static final String DEFAULT_MODEL_RESOURCE = "META-INF/imagesearch/models/efficientnet-lite0-int8/model.onnx";

    private ExampleRuns() {
    }

    /** Skips (or fails when integration resources are required) if the model artifact holds no model. */
    static void requireDefaultModelArtifact() {
        if (ExampleRuns.class.getClassLoader().getResource(DEFAULT_MODEL_RESOURCE) == null) {
            TestResources.missing("the artifact imagesearch-model-efficientnet-lite0-int8 on the test classpath holds no "
                    + "model (built without Python; see its build message)");
        }
    }

    record Result(int exitCode, String stdout, String stderr) {
    }

    static Result run(Path workingDirectory, List<String> command) throws IOException, InterruptedException {
        Path out = File.createTempFile("example-out", ".txt").toPath();
        Path err = File.createTempFile("example-err", ".txt").toPath();
        try {
            ProcessBuilder b = new ProcessBuilder(command).directory(workingDirectory.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            // the class path goes in the environment: ONNX Runtime 1.29 (Linux) crashes with SIGSEGV when the JVM
            // has a command-line argument longer than about 4 KB, and test class paths are longer
            b.environment().put("CLASSPATH", System.getProperty("java.class.path"));
            Process p = b.start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new Result(p.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
                    java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            java.nio.file.Files.deleteIfExists(out);
            java.nio.file.Files.deleteIfExists(err);
        }
    }

    /** {@code java [options] main args...} with this JVM's class path (see {@link #run}). */
    static List<String> java(List<String> options, String main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.addAll(options);
        cmd.add(main);
        cmd.addAll(List.of(args));
        return cmd;
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
