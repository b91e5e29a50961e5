package dev.imagesearch.milvus;

import dev.imagesearch.testing.TestResources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Milvus Lite server of a test's own, started with {@code scripts/milvus/start.sh} (so exactly as the test
 * runner starts the shared one) and stopped or killed through its pid.
 */
final class MilvusLiteServer implements AutoCloseable {

    private final String uri;
    private final long pid;
    private final Path dataDir;
    private final int port;

    private MilvusLiteServer(String uri, long pid, Path dataDir) {
        this.uri = uri;
        this.pid = pid;
        this.dataDir = dataDir;
        this.port = Integer.parseInt(uri.substring(uri.lastIndexOf(':') + 1));
    }

    /** Starts a server on {@code dataDir}; {@code port} 0 picks a free one. Skips (or fails in CI) if it can't. */
    static MilvusLiteServer start(Path runDir, Path dataDir, int port) throws IOException, InterruptedException {
        Path script = findScript();
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString(), "--run-dir", runDir.toString(),
                "--data-dir", dataDir.toString(), "--timeout", "120"));
        if (port > 0) {
            cmd.add("--port");
            cmd.add(Integer.toString(port));
        }
        Path log = Files.createTempFile(runDir.getParent(), "start", ".log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            TestResources.missing("scripts/milvus/start.sh failed: " + Files.readString(log));
        }
        Map<String, String> vars = new HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                vars.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        long pid = Long.parseLong(Files.readString(Path.of(vars.get("IMAGESEARCH_MILVUS_PID_FILE"))).trim());
        return new MilvusLiteServer(vars.get("IMAGESEARCH_MILVUS_URI"), pid, dataDir);
    }

    private static Path findScript() {
        for (String candidate : new String[] {"../scripts/milvus/start.sh", "scripts/milvus/start.sh"}) {
            Path p = Path.of(System.getProperty("user.dir")).resolve(candidate).normalize();
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        TestResources.missing("scripts/milvus/start.sh not found from " + System.getProperty("user.dir"));
        throw new IllegalStateException("unreachable");
    }

    String uri() {
        return uri;
    }

    int port() {
        return port;
    }

    Path dataDir() {
        return dataDir;
    }

    /** SIGKILL: the server gets no chance to clean up. */
    void kill() {
        ProcessHandle.of(pid).ifPresent(h -> {
            h.destroyForcibly();
            h.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        });
    }

    /** SIGTERM and wait. */
    @Override
    public void close() {
        ProcessHandle.of(pid).ifPresent(h -> {
            h.destroy();
            try {
                h.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        });
    }
}
