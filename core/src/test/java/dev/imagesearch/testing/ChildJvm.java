package dev.imagesearch.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A second JVM running a {@code main} class from the test class path, with its output (stdout and stderr) collected
 * line by line. For tests that need another process (file locks) or a hard kill (crash safety).
 */
public final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private ChildJvm(Process process) {
        this.process = process;
        this.reader = new Thread(this::readOutput, "child-jvm-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code main} in a new JVM with this JVM's class path. */
    public static ChildJvm start(Class<?> main, String... args) {
        return launch(List.of(), List.of(), main, args);
    }

    /** Starts {@code main} like {@link #start(Class, String...)}, with extra JVM options. */
    public static ChildJvm start(List<String> jvmOptions, Class<?> main, String... args) {
        return launch(List.of(), jvmOptions, main, args);
    }

    /**
     * Starts {@code main} like {@link #start(Class, String...)} with the process's file size limit
     * ({@code ulimit -f}) set to {@code bytes} (rounded down to POSIX's 512-byte blocks): a write past it fails with
     * "File too large" (the JVM ignores SIGXFSZ), a real I/O error like a full disk, for the files the child writes.
     * Needs a POSIX {@code /bin/sh} (Linux, macOS).
     */
    public static ChildJvm startWithFileSizeLimit(long bytes, Class<?> main, String... args) {
        return launch(List.of("/bin/sh", "-c", "ulimit -f " + bytes / 512 + " && exec \"$@\"", "sh"), List.of(),
                main, args);
    }

    private static ChildJvm launch(List<String> prefix, List<String> jvmOptions, Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        try {
            return new ChildJvm(new ProcessBuilder(cmd).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start a child JVM: " + e.getMessage(), e);
        }
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process was killed; what was read so far stays
        }
    }

    /** The lines printed so far. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Waits until {@code count} lines match, the process ends, or the timeout passes; returns the matches. */
    public List<String> awaitLines(Predicate<String> match, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                List<String> found = lines.stream().filter(match).toList();
                long left = deadline - System.nanoTime();
                if (found.size() >= count || left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                    return found;
                }
                lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
            }
        }
    }

    /** Waits for the process to end and for its output to be read; returns the exit code. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("child JVM did not finish within " + timeout + "; output: " + lines());
        }
        reader.join(timeout.toMillis());
        return process.exitValue();
    }

    /** Kills the process with SIGKILL (no shutdown hooks, no flushing) and waits for it to die. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        reader.join(10_000);
    }

    public Process process() {
        return process;
    }

    /** Kills the process if it still runs (without waiting for it, so close never throws). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
