package dev.imagesearch.onnx.preprocess;

/** How an image of any aspect ratio becomes the model's input size. */
public enum ResizeMode {
    /** Resize straight to width × height, ignoring the aspect ratio (Keras {@code load_img(target_size=...)}). */
    STRETCH,
    /**
     * torchvision {@code Resize(s)} then {@code CenterCrop}: the shorter side becomes {@code s}, the longer
     * {@code int(s * long / short)}; then the centred width × height window is cut out, its top at
     * {@code round((h - height) / 2)} with Python's round-half-to-even (same for left).
     */
    SHORTER_SIDE_CENTER_CROP
}
