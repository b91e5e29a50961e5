package dev.imagesearch.testing;

import dev.imagesearch.contract.EmbedderContract;
import dev.imagesearch.embed.Embedder;

/** The shared embedder contract, run against the test embedder that core's tests use. */
class PixelEmbedderContractTest extends EmbedderContract {

    @Override
    protected Embedder newEmbedder() {
        return PixelEmbedder.builder().batchSize(3).build();
    }

    @Override
    protected Embedder newEmbedderWithOtherSettings() {
        return PixelEmbedder.builder().batchSize(3).grid(3).build();
    }
}
