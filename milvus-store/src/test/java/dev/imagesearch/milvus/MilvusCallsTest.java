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
}
