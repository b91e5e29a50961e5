package dev.imagesearch.milvus;

import dev.imagesearch.store.VectorStoreException;
import io.milvus.shaded.io.grpc.Status;
import io.milvus.shaded.io.grpc.StatusRuntimeException;
import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs calls to Milvus with the configured retries for transient errors, and turns every failure into a
 * {@link VectorStoreException} that names the operation, the server and the cause.
 *
 * <p>The SDK's own retry loop is switched off (it defaults to 75 attempts, minutes against a server that is
 * down), so this is the only one and its bounds are those of {@link MilvusConfig}.
 */
final class MilvusCalls {

    /** Sleeps between attempts; replaced in unit tests. */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(MilvusCalls.class);

    private final String server;
    private final int retries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Sleeper sleeper;

    MilvusCalls(MilvusConfig config) {
        this(config.uri(), config.retries(), config.initialBackoff(), config.maxBackoff(),
                d -> Thread.sleep(d.toMillis()));
    }

    MilvusCalls(String server, int retries, Duration initialBackoff, Duration maxBackoff, Sleeper sleeper) {
        this.server = server;
        this.retries = retries;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.sleeper = sleeper;
    }

    /** Runs {@code op}, retrying transient failures; {@code what} names the operation in messages. */
    <T> T call(String what, Supplier<T> op) {
        Duration backoff = initialBackoff;
        for (int attempt = 1; ; attempt++) {
            try {
                return op.get();
            } catch (VectorStoreException | IllegalArgumentException e) {
                throw e;
            } catch (RuntimeException e) {
                if (!isTransient(e) || attempt > retries) {
                    throw failure(what, e, attempt);
                }
                LOG.warn("Milvus {} failed (attempt {} of {}), retrying in {} ms: {}", what, attempt, retries + 1,
                        backoff.toMillis(), describe(e));
                try {
                    sleeper.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new VectorStoreException("Interrupted while retrying Milvus " + what + " at " + server, e);
                }
                backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
            }
        }
    }

    /** As {@link #call} for operations without a result. */
    void run(String what, Runnable op) {
        call(what, () -> {
            op.run();
            return null;
        });
    }

    private VectorStoreException failure(String what, RuntimeException e, int attempts) {
        String tries = attempts > 1 ? " after " + attempts + " attempts" : "";
        String hint = isTransient(e) ? " (is the Milvus server running and reachable?)" : "";
        return new VectorStoreException("Milvus " + what + " at " + server + " failed" + tries + ": " + describe(e)
                + hint, e);
    }

    /** Server unavailable or deadline exceeded: worth another attempt. */
    static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StatusRuntimeException s) {
                Status.Code code = s.getStatus().getCode();
                return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
            }
            if (t instanceof MilvusClientException m && m.getErrorCode() == ErrorCode.TIMEOUT) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** The most telling message in the cause chain. */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StatusRuntimeException s) {
                Status st = s.getStatus();
                return st.getCode() + (st.getDescription() != null ? " - " + st.getDescription() : "")
                        + (st.getCause() != null ? " (" + st.getCause().getMessage() + ")" : "");
            }
            if (t.getCause() == null || t.getCause() == t) {
                break;
            }
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
