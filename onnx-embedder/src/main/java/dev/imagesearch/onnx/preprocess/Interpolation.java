package dev.imagesearch.onnx.preprocess;

/** Resampling filter, each implemented exactly as Pillow does it for 8-bit RGB images. */
public enum Interpolation {
    /**
     * Pillow's {@code Image.NEAREST} resize (Keras {@code load_img} default): the source coordinate of output
     * pixel x is {@code floor(x0)} with {@code x0} starting at {@code scale / 2} and advanced by {@code scale} in
     * double precision.
     */
    NEAREST,
    /**
     * Pillow's {@code Image.BILINEAR} resize (what torchvision uses on PIL images): a triangle filter widened by
     * the downscaling factor (so it antialiases), separable passes (horizontal, then vertical), 8-bit fixed-point
     * coefficients, rounding and clipping to 0..255 after each pass.
     */
    BILINEAR
}
