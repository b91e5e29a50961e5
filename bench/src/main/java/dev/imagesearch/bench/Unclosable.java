package dev.imagesearch.bench;

import dev.imagesearch.embed.Embedder;
import dev.imagesearch.embed.PreparedImage;
import java.awt.image.BufferedImage;
import java.util.List;

/** An embedder whose close() does nothing, so that several ImageSearch instances can share one session. */
record Unclosable(Embedder delegate) implements Embedder {
    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public int dimension() {
        return delegate.dimension();
    }

    @Override
    public String fingerprint() {
        return delegate.fingerprint();
    }

    @Override
    public boolean threadSafe() {
        return delegate.threadSafe();
    }

    @Override
    public float[] embed(BufferedImage image) {
        return delegate.embed(image);
    }

    @Override
    public List<float[]> embedBatch(List<BufferedImage> images) {
        return delegate.embedBatch(images);
    }

    @Override
    public PreparedImage prepare(BufferedImage image) {
        return delegate.prepare(image);
    }

    @Override
    public List<float[]> embedPrepared(List<PreparedImage> images) {
        return delegate.embedPrepared(images);
    }

    @Override
    public int preferredBatchSize() {
        return delegate.preferredBatchSize();
    }

    @Override
    public int minimumInputSide() {
        return delegate.minimumInputSide();
    }

    @Override
    public void close() {
    }
}
