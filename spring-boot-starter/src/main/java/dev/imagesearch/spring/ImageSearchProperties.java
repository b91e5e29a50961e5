package dev.imagesearch.spring;

import dev.imagesearch.onnx.ModelCatalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code imagesearch.*} properties. Every default is the library's and the CLI's own: the embedded store and id map
 * under {@code imagesearch-data}, the default model ({@link ModelCatalog#DEFAULT_MODEL}) from the model cache.
 */
@ConfigurationProperties("imagesearch")
public class ImageSearchProperties {

    /** Directory of the embedded store and id map. */
    private Path dataDirectory = Path.of("imagesearch-data");
    /** The primary model: a name in the model directory, or a path to a model folder or .onnx file. */
    private String model = ModelCatalog.DEFAULT_MODEL;
    /** More models side by side, each with its own collection. */
    private List<String> additionalModels = new ArrayList<>();
    /** Where models are looked up by name; default ~/.cache/imagesearch/models (or IMAGESEARCH_CACHE). */
    private Path modelDirectory;
    /**
     * Vector store: "embedded" or a backend URI (core's Backends), e.g. milvus://HOST:PORT[/DB][?token=..&index=..]
     * (needs imagesearch-milvus-store).
     */
    private String storeUri = "embedded";
    /**
     * Id map: "embedded" or a backend URI (core's Backends), e.g. redis://HOST:PORT[?namespace=NS] (needs
     * imagesearch-redis-idmap) or milvus://HOST:PORT[?namespace=NS].
     */
    private String idsUri = "embedded";

    public Path getDataDirectory() {
        return dataDirectory;
    }

    public void setDataDirectory(Path dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }

    public List<String> getAdditionalModels() {
        return additionalModels;
    }

    public void setAdditionalModels(List<String> additionalModels) {
        this.additionalModels = additionalModels;
    }

    public Path getModelDirectory() {
        return modelDirectory;
    }

    public void setModelDirectory(Path modelDirectory) {
        this.modelDirectory = modelDirectory;
    }

    public String getStoreUri() {
        return storeUri;
    }

    public void setStoreUri(String storeUri) {
        this.storeUri = storeUri;
    }

    public String getIdsUri() {
        return idsUri;
    }

    public void setIdsUri(String idsUri) {
        this.idsUri = idsUri;
    }
}
