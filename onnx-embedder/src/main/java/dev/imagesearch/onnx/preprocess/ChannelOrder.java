package dev.imagesearch.onnx.preprocess;

/** Order of the colour channels in the tensor. */
public enum ChannelOrder {
    RGB,
    /** Caffe-style models (Keras {@code preprocess_input} mode "caffe", Paddle). */
    BGR
}
