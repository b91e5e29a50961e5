package dev.imagesearch.redis;

import dev.imagesearch.testing.TestResources;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server the test starts itself (its own port and directory, append-only file fsynced on every write),
 * so it can kill it with SIGKILL and start it again on the same port with the same data.
 */
final class RedisServerProcess implements AutoCloseable {

    private final String binary;
    private final Path dir;
    private final int port;
    private Process process;

    private RedisServerProcess(String binary, Path dir, int port) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
    }

    /** Starts a server in {@code dir} on a free port; skips (or fails in CI) when redis-server is not installed. */
    static RedisServerProcess start(Path dir) throws IOException, InterruptedException {
        String binary = findBinary();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RedisServerProcess r = new RedisServerProcess(binary, dir, port);
        r.start();
        return r;
    }

    private static String findBinary() {
        String configured = System.getProperty("IMAGESEARCH_REDIS_SERVER", System.getenv("IMAGESEARCH_REDIS_SERVER"));
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(p, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        TestResources.missing("redis-server not found (IMAGESEARCH_REDIS_SERVER or PATH; scripts/redis/start.sh"
                + " installs it)");
        throw new IllegalStateException("unreachable");
    }

    int port() {
        return port;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts (or restarts) the server and waits (at most 10 s) until it answers PING. */
    void start() throws IOException, InterruptedException {
        Files.createDirectories(dir);
        process = new ProcessBuilder(List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--appendonly", "yes", "--appendfsync", "always",
                "--logfile", "redis.log"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!ping()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + "; see "
                        + dir.resolve("redis.log"));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server on port " + port + " not ready after 10 s");
            }
            Thread.sleep(50);
        }
    }

    /** SIGKILL: no shutdown, no final save; waits for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("redis-server " + process.pid() + " survived SIGKILL for 10 s");
        }
    }

    private boolean ping() {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
