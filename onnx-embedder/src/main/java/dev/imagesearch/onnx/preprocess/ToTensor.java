package dev.imagesearch.onnx.preprocess;

import java.util.Objects;

/**
 * The last step: floats in the model's layout ({@code to-tensor nchw}). {@link Layout#AUTO} is resolved from the
 * model's input when an embedder loads the pipeline.
 */
public record ToTensor(Layout layout) implements Transform {

    public ToTensor {
        Objects.requireNonNull(layout, "layout");
    }

    @Override
    public String describe() {
        return "to-tensor " + Pipeline.lower(layout);
    }
}
