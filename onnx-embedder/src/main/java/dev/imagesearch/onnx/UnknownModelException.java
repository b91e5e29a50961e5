package dev.imagesearch.onnx;

import dev.imagesearch.embed.EmbeddingException;
import java.util.List;

/** A model name that is neither in the catalog nor a model directory or {@code .onnx} file. */
public class UnknownModelException extends EmbeddingException {

    private final String requested;
    private final List<String> available;

    public UnknownModelException(String requested, List<String> available, String message) {
        super(message);
        this.requested = requested;
        this.available = List.copyOf(available);
    }

    /** The name or path that was asked for. */
    public String requested() {
        return requested;
    }

    /** The names the catalog has. */
    public List<String> available() {
        return available;
    }
}
