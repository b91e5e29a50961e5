package dev.imagesearch.onnx.preprocess;

/** Memory layout of an image tensor. */
public enum Layout {
    /** Batch, channel, height, width (PyTorch, Paddle). */
    NCHW,
    /** Batch, height, width, channel (TensorFlow, Keras). */
    NHWC,
    /** Whatever the model's input says: NCHW if its dimension 1 is 3, NHWC if its last dimension is 3. */
    AUTO
}
