package dev.imagesearch.onnx;

import dev.imagesearch.onnx.preprocess.Layout;
import java.util.List;
import java.util.Map;

/**
 * What an {@link OnnxEmbedder} read from its model. Dimensions that the model leaves dynamic are -1 in the
 * shapes.
 *
 * @param inputName  name of the image input
 * @param inputShape shape of the image input as declared by the model, e.g. {@code [-1, 3, 224, 224]}
 * @param layout     NCHW or NHWC (never AUTO)
 * @param width      width of the tensors fed to the model
 * @param height     height of the tensors fed to the model
 * @param fixedBatch the batch size the model requires, or 0 when its batch dimension is dynamic
 * @param outputs    every output's name and declared shape, in the model's order
 * @param outputName the output the embedding is read from
 * @param dimension  the embedding's number of elements
 */
public record ModelInfo(String inputName, List<Long> inputShape, Layout layout, int width, int height,
                        int fixedBatch, Map<String, List<Long>> outputs, String outputName, int dimension) {

    public ModelInfo {
        inputShape = List.copyOf(inputShape);
        outputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(outputs));
    }
}
