package dev.imagesearch.milvus;

import dev.imagesearch.backend.RetryPolicy;
import dev.imagesearch.store.VectorStoreException;
import io.milvus.shaded.io.grpc.Status;
import io.milvus.shaded.io.grpc.StatusRuntimeException;
import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs calls to Milvus under the configured {@link RetryPolicy} (resilience4j) for transient errors, and turns
 * every failure into a {@link VectorStoreException} that names the operation, the server and the cause.
 *
 * <p>The SDK's own retry loop is switched off (it defaults to 75 attempts, minutes against a server that is
 * down), so the policy is the only one and its bounds are those of {@link MilvusConfig#retryPolicy()}.
 *
 * <p>A server that is gone is noticed within seconds, not after the call deadline: the SDK waits for the
 * channel to become ready until the deadline (30 s by default) while the port already refuses connections. So
 * each call runs on a worker thread while the caller watches it; a call still running after
 * {@link #FIRST_PROBE} makes the caller try a plain TCP connection to the server every {@link #PROBE_EVERY},
 * and two failed tries in a row cancel the call with a {@link MilvusUnreachableException}. A failed call is
 * probed the same way before it is retried.
 */
final class MilvusCalls {

    /** Told the wait before each retry (the policy's retrier does the waiting); unit tests record them. */
    interface RetryWaits {
        void before(Duration wait);
    }

    /** Tells whether the server's port accepts connections; replaced in unit tests. */
    interface Probe {
        /** Null when the server accepts a connection, else why not ("connection refused"). */
        String problem();
    }

    static final Duration FIRST_PROBE = Duration.ofSeconds(2);
    static final Duration PROBE_EVERY = Duration.ofSeconds(1);
    private static final int PROBE_TIMEOUT_MS = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(MilvusCalls.class);

    private final String server;
    private final RetryPolicy policy;
    private final RetryWaits waits;
    private final Probe probe;
    /** Runs the calls the caller watches; idle threads end after a while, so nothing needs closing. */
    private final ExecutorService workers;

    MilvusCalls(MilvusConfig config) {
        this(config.uri(), config.retryPolicy(), null, tcpProbe(config.uri(), config.secure()));
    }

    /** Without a probe: calls run on the caller's thread and failures are only classified (unit tests). */
    MilvusCalls(String server, int retries, Duration initialBackoff, Duration maxBackoff, RetryWaits waits) {
        this(server, retries, initialBackoff, maxBackoff, waits, null);
    }

    MilvusCalls(String server, int retries, Duration initialBackoff, Duration maxBackoff, RetryWaits waits,
                Probe probe) {
        this(server, RetryPolicy.builder().retries(retries).initialBackoff(initialBackoff).maxBackoff(maxBackoff)
                .build(), waits, probe);
    }

    private MilvusCalls(String server, RetryPolicy policy, RetryWaits waits, Probe probe) {
        this.server = server;
        this.policy = policy;
        this.waits = waits;
        this.probe = probe;
        this.workers = probe == null ? null : new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "imagesearch-milvus-call");
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Runs {@code op}, retrying transient failures as the policy allows; {@code what} names the operation in
     * messages. A server found gone (the TCP probe) ends the call at once, without retries.
     */
    <T> T call(String what, Supplier<T> op) {
        AtomicInteger attempts = new AtomicInteger();
        RetryPolicy.Retrier retrier = policy.retrier("milvus " + what,
                e -> !(e instanceof VectorStoreException) && isTransient(e), (retry, wait, e) -> {
                    LOG.warn("Milvus {} failed (attempt {} of {}), retrying in {} ms: {}", what, retry,
                            policy.retries() + 1, wait.toMillis(), describe(e));
                    if (waits != null) {
                        waits.before(wait);
                    }
                });
        try {
            return retrier.call(() -> {
                attempts.incrementAndGet();
                try {
                    return watched(what, op);
                } catch (VectorStoreException | IllegalArgumentException e) {
                    throw e;
                } catch (RuntimeException e) {
                    String gone = probe == null || !(isTransient(e) || isChannelClosed(e)) ? null : probe.problem();
                    if (gone != null) {
                        throw unreachable(what, gone, e);
                    }
                    throw e;
                }
            });
        } catch (VectorStoreException | IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted() && isTransient(e)) {
                throw new VectorStoreException("Interrupted while retrying Milvus " + what + " at " + server, e);
            }
            throw failure(what, e, attempts.get());
        }
    }

    /**
     * Runs {@code op} on a worker thread and waits for it, probing the server while it takes long; a server
     * that refuses connections twice in a row cancels the call.
     */
    private <T> T watched(String what, Supplier<T> op) {
        if (workers == null) {
            return op.get();
        }
        Future<T> running = workers.submit(op::get);
        Duration wait = FIRST_PROBE;
        String previous = null;
        try {
            while (true) {
                try {
                    return running.get(wait.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillRunning) {
                    String problem = probe.problem();
                    if (problem != null && previous != null) {
                        running.cancel(true);
                        throw unreachable(what, problem, null);
                    }
                    previous = problem;
                    wait = PROBE_EVERY;
                }
            }
        } catch (InterruptedException e) {
            running.cancel(true);
            Thread.currentThread().interrupt();
            throw new VectorStoreException("Interrupted during Milvus " + what + " at " + server, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new VectorStoreException("Milvus " + what + " at " + server + " failed: " + cause, cause);
        }
    }

    private MilvusUnreachableException unreachable(String what, String problem, Throwable cause) {
        return new MilvusUnreachableException("The Milvus server at " + address(server) + " cannot be reached ("
                + problem + ") during " + what + ". Is it running? Start it and run the same command again: "
                + "what was stored is kept and nothing is stored twice.", cause);
    }

    /** A probe that opens (and closes) a TCP connection to the server of {@code uri}. */
    static Probe tcpProbe(String uri, boolean secure) {
        String hostPort = address(uri);
        int colon = hostPort.lastIndexOf(':');
        String host = colon > 0 ? hostPort.substring(0, colon) : hostPort;
        int port = colon > 0 ? Integer.parseInt(hostPort.substring(colon + 1)) : secure ? 443 : 19530;
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(bare, port), PROBE_TIMEOUT_MS);
                return null;
            } catch (ConnectException e) {
                return "connection refused";
            } catch (SocketTimeoutException e) {
                return "no answer within " + PROBE_TIMEOUT_MS + " ms";
            } catch (UnknownHostException e) {
                return "unknown host " + bare;
            } catch (IOException e) {
                return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
        };
    }

    /** {@code host:port} of a server URI such as {@code http://127.0.0.1:19530} (the URI itself if it has none). */
    static String address(String uri) {
        try {
            URI u = URI.create(uri);
            if (u.getHost() != null) {
                return u.getPort() > 0 ? u.getHost() + ":" + u.getPort() : u.getHost();
            }
        } catch (IllegalArgumentException e) {
            // not a URI: name it as given
        }
        return uri;
    }

    /** "UNKNOWN - channel closed": what gRPC says when the connection drops under a call. */
    static boolean isChannelClosed(Throwable e) {
        Status s = grpcStatus(e);
        return s != null && s.getCode() == Status.Code.UNKNOWN && s.getDescription() != null
                && s.getDescription().contains("channel closed");
    }

    /** The status of the first gRPC exception in the cause chain, or null. */
    private static Status grpcStatus(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StatusRuntimeException s) {
                return s.getStatus();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
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
        Status st = grpcStatus(e);
        if (st != null) {
            return st.getCode() + (st.getDescription() != null ? " - " + st.getDescription() : "")
                    + (st.getCause() != null ? " (" + st.getCause().getMessage() + ")" : "");
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
