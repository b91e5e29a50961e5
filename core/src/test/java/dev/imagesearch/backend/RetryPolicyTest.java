package dev.imagesearch.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final List<Duration> waits = new ArrayList<>();

    private RetryPolicy.Retrier retrier(RetryPolicy policy) {
        return policy.retrier("test", e -> e instanceof UncheckedIOException, (n, wait, e) -> waits.add(wait));
    }

    @Test
    void defaultsAreDocumented() {
        RetryPolicy p = RetryPolicy.defaults();
        assertThat(p.retries()).isEqualTo(2);
        assertThat(p.initialBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(p.maxBackoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.toBuilder().build()).isEqualTo(p);
    }

    @Test
    void transientFailuresAreRetriedWithDoublingCappedWaits() {
        RetryPolicy p = RetryPolicy.builder().retries(3).initialBackoff(Duration.ofMillis(10))
                .maxBackoff(Duration.ofMillis(25)).build();
        AtomicInteger attempts = new AtomicInteger();
        String r = retrier(p).call(() -> {
            if (attempts.incrementAndGet() <= 3) {
                throw new UncheckedIOException(new java.io.IOException("reset"));
            }
            return "ok";
        });
        assertThat(r).isEqualTo("ok");
        assertThat(attempts).hasValue(4);
        assertThat(waits).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(25));
        assertThat(List.of(p.backoff(1), p.backoff(2), p.backoff(3))).isEqualTo(waits);
    }

    @Test
    void afterTheLastRetryTheLastFailureIsThrownAsItIs() {
        RetryPolicy p = RetryPolicy.builder().retries(1).initialBackoff(Duration.ofMillis(1)).build();
        AtomicInteger attempts = new AtomicInteger();
        UncheckedIOException last = new UncheckedIOException(new java.io.IOException("second"));
        assertThatThrownBy(() -> retrier(p).call(() -> {
            throw attempts.incrementAndGet() == 1 ? new UncheckedIOException(new java.io.IOException("first")) : last;
        })).isSameAs(last);
        assertThat(attempts).hasValue(2);
    }

    @Test
    void otherFailuresAndZeroRetriesFailAtOnce() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> retrier(RetryPolicy.defaults()).call(() -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("not transient");
        })).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> retrier(RetryPolicy.builder().retries(0).build()).call(() -> {
            attempts.incrementAndGet();
            throw new UncheckedIOException(new java.io.IOException("x"));
        })).isInstanceOf(UncheckedIOException.class);
        assertThat(attempts).hasValue(2);
        assertThat(waits).isEmpty();
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> RetryPolicy.builder().retries(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
