package dev.imagesearch.embed;

import java.util.List;
import java.util.ServiceLoader;

/**
 * Service interface: supplies the embedder {@code ImageSearch.builder().build()} uses when none is given. The
 * {@code imagesearch-onnx-embedder} module provides one that loads the default model from its Maven artifact on
 * the classpath (or the model directory). Found with {@link ServiceLoader} (on the module path, a module declares
 * {@code provides dev.imagesearch.embed.DefaultEmbedderProvider with ...}).
 */
public interface DefaultEmbedderProvider {

    /**
     * Loads the default embedder (the caller owns and closes it).
     *
     * @throws EmbeddingException if the provider's model cannot be found or loaded, saying what to add
     */
    Embedder create();

    /**
     * The default embedder of the first provider found by {@link ServiceLoader}.
     *
     * @throws IllegalStateException if no provider is on the class or module path, saying what to add
     */
    static Embedder loadDefault() {
        List<DefaultEmbedderProvider> providers = ServiceLoader.load(DefaultEmbedderProvider.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        if (providers.isEmpty()) {
            throw new IllegalStateException("No embedder given and no default one on the classpath: call "
                    + "ImageSearch.builder().embedder(...), or add the Maven dependencies "
                    + "dev.imagesearch:imagesearch-onnx-embedder and dev.imagesearch:imagesearch-model-"
                    + "efficientnet-lite0 (the default model)");
        }
        return providers.get(0).create();
    }
}
