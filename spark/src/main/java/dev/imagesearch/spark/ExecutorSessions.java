package dev.imagesearch.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session (loaded models, server connections) per executor JVM and settings, shared by every task the executor
 * runs, so a model is loaded once per executor and not once per task or partition.
 *
 * <p>This is the one piece of static state of the module, on purpose: Spark gives executors no other hook that lives
 * as long as the JVM (a broadcast value can be dropped and re-read). Sessions are closed when the JVM exits.
 */
final class ExecutorSessions {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorSessions.class);
    private static final Map<Object, AutoCloseable> SESSIONS = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorSessions::closeAll, "imagesearch-sessions-close"));
    }

    private ExecutorSessions() {
    }

    /** The session for {@code key}, opened with {@code open} by the first task that asks for it. */
    @SuppressWarnings("unchecked")
    static <K, S extends AutoCloseable> S get(K key, Function<K, S> open) {
        return (S) SESSIONS.computeIfAbsent(key, k -> onLargeStack(() -> open.apply(key)));
    }

    /** Stack of the thread that opens a session, as the CLI's command thread. */
    private static final long STACK_BYTES = 64L << 20;

    /**
     * Runs {@code open} on a thread with a large stack: loading a model in ONNX Runtime overflowed a default
     * 1 MB thread stack (a JVM crash, not an exception) when the class path was long, as Spark's is.
     */
    private static <S> S onLargeStack(java.util.function.Supplier<S> open) {
        Object[] result = new Object[1];
        RuntimeException[] failure = new RuntimeException[1];
        Error[] error = new Error[1];
        Thread t = new Thread(null, () -> {
            try {
                result[0] = open.get();
            } catch (RuntimeException e) {
                failure[0] = e;
            } catch (Error e) {
                error[0] = e;
            }
        }, "imagesearch-session-open", STACK_BYTES);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while opening an imagesearch session", e);
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        if (error[0] != null) {
            throw error[0];
        }
        @SuppressWarnings("unchecked")
        S s = (S) result[0];
        return s;
    }

    /** Closes and forgets every session of this JVM (tests; the shutdown hook). */
    static void closeAll() {
        List<Object> keys = new ArrayList<>(SESSIONS.keySet());
        for (Object k : keys) {
            AutoCloseable s = SESSIONS.remove(k);
            if (s != null) {
                try {
                    s.close();
                } catch (Exception e) {
                    LOG.warn("Closing an imagesearch session failed: {}", e.toString());
                }
            }
        }
    }
}
