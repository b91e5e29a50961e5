package dev.imagesearch.server;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** At most N pieces of work at once; the others wait in arrival order, and get 503 after the queue timeout. */
final class Gate {

    private final Semaphore permits;
    private final long timeoutNanos;

    Gate(int permits, Duration timeout) {
        this.permits = new Semaphore(permits, true);
        this.timeoutNanos = timeout.toNanos();
    }

    <T> T run(Supplier<T> work) {
        try {
            if (!permits.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS)) {
                throw ApiException.busy("the server is busy; try again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.busy("the server is stopping");
        }
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }
}
