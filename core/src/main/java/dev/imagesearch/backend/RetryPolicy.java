package dev.imagesearch.backend;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one retry policy of every server backend (Milvus vector store and id map, Redis id map): how often a call
 * that failed with a transient error is tried again, and how long to wait in between. Immutable; the retrying
 * itself is resilience4j's {@link Retry}, not a hand-written loop.
 *
 * <p>Defaults (also on each builder method): {@value #DEFAULT_RETRIES} retries (so at most 3 attempts), waiting
 * 200 ms before the first retry and doubling up to 2 s. Which errors are transient is the backend's call (Milvus:
 * server unavailable, deadline exceeded; Redis: a broken connection); every other error fails at once.
 *
 * <p>Set it with {@code MilvusConfig.Builder.retryPolicy}, {@code RedisIdMapConfig.Builder.retryPolicy} or, in a
 * backend URI, with the options {@code retries=N} and {@code retryBackoff=MILLIS} (the first wait).
 */
public final class RetryPolicy {

    /** Retries after the first attempt, by default. */
    public static final int DEFAULT_RETRIES = 2;

    private static final RetryPolicy DEFAULTS = builder().build();

    private final int retries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    private RetryPolicy(Builder b) {
        this.retries = b.retries;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff.compareTo(b.initialBackoff) < 0 ? b.initialBackoff : b.maxBackoff;
    }

    /** The defaults listed in the class comment. */
    public static RetryPolicy defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this policy's values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder().retries(retries).initialBackoff(initialBackoff).maxBackoff(maxBackoff);
    }

    /** Retries after the first attempt; 0 means every call is tried once. */
    public int retries() {
        return retries;
    }

    /** Wait before the first retry. */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** Longest wait between two attempts. */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** The wait before retry number {@code retry} (1-based): the initial backoff doubled per retry, capped. */
    public Duration backoff(int retry) {
        Duration d = initialBackoff;
        for (int i = 1; i < retry && d.compareTo(maxBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    /**
     * A retrier that applies this policy to calls whose failures {@code transientError} accepts.
     *
     * @param name     names the retrier (resilience4j's name, shown in its events)
     * @param listener told before each retry (for logging, and for tests to see the waits); may be null
     */
    public Retrier retrier(String name, Predicate<Throwable> transientError, Listener listener) {
        Objects.requireNonNull(transientError, "transientError");
        RetryConfig config = RetryConfig.custom()
                .maxAttempts(retries + 1)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(initialBackoff, 2.0, maxBackoff))
                .retryOnException(transientError)
                .build();
        Retry retry = Retry.of(name, config);
        if (listener != null) {
            retry.getEventPublisher().onRetry(e -> listener.beforeRetry(e.getNumberOfRetryAttempts(),
                    e.getWaitInterval(), e.getLastThrowable()));
        }
        return new Retrier(retry);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RetryPolicy p && p.retries == retries && p.initialBackoff.equals(initialBackoff)
                && p.maxBackoff.equals(maxBackoff);
    }

    @Override
    public int hashCode() {
        return Objects.hash(retries, initialBackoff, maxBackoff);
    }

    @Override
    public String toString() {
        return "RetryPolicy{retries=" + retries + ", backoff " + initialBackoff.toMillis() + " ms doubling to "
                + maxBackoff.toMillis() + " ms}";
    }

    /** Told before each retry. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param retry 1 for the first retry
         * @param wait  how long the retrier waits before it
         * @param error the failure of the attempt before
         */
        void beforeRetry(int retry, Duration wait, Throwable error);
    }

    /** Runs calls under the policy. Thread-safe; one per backend connection. */
    public static final class Retrier {
        private final Retry retry;

        private Retrier(Retry retry) {
            this.retry = retry;
        }

        /**
         * Runs {@code op}, again after a transient failure as the policy allows. Throws the last failure as it
         * is; an interrupt during a wait ends the retrying with that failure and the interrupt flag set.
         */
        public <T> T call(Supplier<T> op) {
            return Retry.decorateSupplier(retry, op).get();
        }
    }

    /** Builder of a {@link RetryPolicy}; each setting's default is on its method. */
    public static final class Builder {
        private int retries = DEFAULT_RETRIES;
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(2);

        private Builder() {
        }

        /** Retries after a transient failure; 0 turns retrying off. Default {@value RetryPolicy#DEFAULT_RETRIES}. */
        public Builder retries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("retries must be >= 0, was " + retries);
            }
            this.retries = retries;
            return this;
        }

        /** Wait before the first retry; it doubles for each further one up to {@link #maxBackoff}. Default 200 ms. */
        public Builder initialBackoff(Duration backoff) {
            this.initialBackoff = positive(backoff, "initialBackoff");
            return this;
        }

        /** Longest wait between retries. Default 2 s (raised to the initial backoff if lower). */
        public Builder maxBackoff(Duration backoff) {
            this.maxBackoff = positive(backoff, "maxBackoff");
            return this;
        }

        public RetryPolicy build() {
            return new RetryPolicy(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be > 0, was " + d);
            }
            return d;
        }
    }
}
