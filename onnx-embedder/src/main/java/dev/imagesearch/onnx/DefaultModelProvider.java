package dev.imagesearch.onnx;

import dev.imagesearch.embed.DefaultEmbedderProvider;
import dev.imagesearch.embed.Embedder;

/**
 * The default embedder of {@code ImageSearch.builder().build()}: {@link ModelCatalog#DEFAULT_MODEL} from
 * {@link ModelCatalog#atDefaultDirectory()} (the model directory, then the model artifact on the classpath).
 * Registered as a {@link DefaultEmbedderProvider} service.
 */
public final class DefaultModelProvider implements DefaultEmbedderProvider {

    @Override
    public Embedder create() {
        return ModelCatalog.atDefaultDirectory().load(ModelCatalog.DEFAULT_MODEL);
    }
}
