package dev.imagesearch.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.store.VectorStoreException;
import io.milvus.shaded.io.grpc.Status;
import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MilvusCallsTest {

    private final List<Duration> sleeps = new ArrayList<>();
    private final MilvusCalls calls = new MilvusCalls("http://h:1", 3, Duration.ofMillis(100),
            Duration.ofMillis(250), sleeps::add);

    private static RuntimeException unavailable() {
        return new MilvusClientException(ErrorCode.RPC_ERROR,
                Status.UNAVAILABLE.withDescription("io exception").asRuntimeException());
    }

    @Test
    void transientFailuresAreRetriedWithDoublingCappedBackoff() {
        AtomicInteger attempts = new AtomicInteger();
        String result = calls.call("search", () -> {
            if (attempts.incrementAndGet() <= 3) {
                throw unavailable();
            }
            return "ok";
        });
        assertThat(result).isEqualTo("ok");
        assertThat(attempts).hasValue(4);
        assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(250));
    }

    @Test
    void givesUpAfterTheConfiguredRetriesWithAClearMessage() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> calls.call("upsert of 3 rows into c", () -> {
            attempts.incrementAndGet();
            throw Status.DEADLINE_EXCEEDED.withDescription("deadline").asRuntimeException();
        }))
                .isInstanceOf(VectorStoreException.class)
                .hasMessageContaining("upsert of 3 rows into c")
                .hasMessageContaining("http://h:1")
                .hasMessageContaining("after 4 attempts")
                .hasMessageContaining("DEADLINE_EXCEEDED")
                .hasMessageContaining("running");
        assertThat(attempts).hasValue(4);
    }

    @Test
    void otherFailuresAreNotRetried() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> calls.call("createCollection x", () -> {
            attempts.incrementAndGet();
            throw new MilvusClientException(ErrorCode.SERVER_ERROR, "collection already exists");
        }))
                .isInstanceOf(VectorStoreException.class)
                .hasMessageContaining("createCollection x")
                .hasMessageContaining("collection already exists")
                .hasMessageNotContaining("attempts");
        assertThat(attempts).hasValue(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void argumentErrorsPassThroughUnchanged() {
        assertThatThrownBy(() -> calls.call("x", () -> {
            throw new IllegalArgumentException("bad k");
        })).isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("bad k");
    }

    @Test
    void classification() {
        assertThat(MilvusCalls.isTransient(unavailable())).isTrue();
        assertThat(MilvusCalls.isTransient(new MilvusClientException(ErrorCode.TIMEOUT, "t"))).isTrue();
        assertThat(MilvusCalls.isTransient(Status.INVALID_ARGUMENT.asRuntimeException())).isFalse();
        assertThat(MilvusCalls.isTransient(new IllegalStateException("x"))).isFalse();
        assertThat(MilvusCalls.describe(unavailable())).isEqualTo("UNAVAILABLE - io exception");
    }

    @Test
    void aCallHangingOnAServerThatRefusesConnectionsIsCancelledWithAPlainMessage() throws Exception {
        AtomicInteger probes = new AtomicInteger();
        MilvusCalls watched = new MilvusCalls("http://127.0.0.1:19530", 2, Duration.ofMillis(1),
                Duration.ofMillis(1), sleeps::add, () -> {
                    probes.incrementAndGet();
                    return "connection refused";
                });
        CountDownLatch interrupted = new CountDownLatch(1);
        assertThatThrownBy(() -> watched.call("upsert of 8 rows into c", () -> {
            try {
                Thread.sleep(60_000); // as the SDK waits for a channel that never gets ready
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return null;
        }))
                .isExactlyInstanceOf(MilvusUnreachableException.class)
                .hasMessage("The Milvus server at 127.0.0.1:19530 cannot be reached (connection refused) during "
                        + "upsert of 8 rows into c. Is it running? Start it and run the same command again: what "
                        + "was stored is kept and nothing is stored twice.");
        assertThat(probes).hasValue(2); // two refusals in a row, not one
        assertThat(sleeps).as("no retries against a server that is gone").isEmpty();
        assertThat(interrupted.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("the hanging call was cancelled")
                .isTrue();
    }

    @Test
    void aSlowCallOnAServerThatAnswersIsLeftToFinish() {
        AtomicInteger probes = new AtomicInteger();
        MilvusCalls watched = new MilvusCalls("http://h:1", 2, Duration.ofMillis(1), Duration.ofMillis(1),
                sleeps::add, () -> {
                    probes.incrementAndGet();
                    return null;
                });
        String result = watched.call("search", () -> {
            try {
                Thread.sleep(MilvusCalls.FIRST_PROBE.toMillis() + 300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(probes.get()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aFailedCallIsNotRetriedWhenTheServerIsGone() {
        MilvusCalls watched = new MilvusCalls("milvus://10.1.2.3:19530", 3, Duration.ofMillis(1),
                Duration.ofMillis(1), sleeps::add, () -> "connection refused");
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> watched.call("query", () -> {
            attempts.incrementAndGet();
            throw Status.UNKNOWN.withDescription("channel closed").asRuntimeException();
        }))
                .isInstanceOf(MilvusUnreachableException.class)
                .hasMessageStartingWith("The Milvus server at 10.1.2.3:19530 cannot be reached (connection refused)")
                .hasMessageNotContaining("UNKNOWN");
        assertThat(attempts).hasValue(1);
    }

    @Test
    void theProbeSaysWhenNothingListens() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
            assertThat(MilvusCalls.tcpProbe("http://127.0.0.1:" + port, false).problem()).isNull();
        }
        assertThat(MilvusCalls.tcpProbe("http://127.0.0.1:" + port, false).problem()).isEqualTo("connection refused");
        assertThat(MilvusCalls.address("http://127.0.0.1:" + port)).isEqualTo("127.0.0.1:" + port);
        assertThat(MilvusCalls.address("milvus://[::1]:19530")).isEqualTo("[::1]:19530");
    }
}
