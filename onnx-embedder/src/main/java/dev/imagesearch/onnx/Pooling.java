package dev.imagesearch.onnx;

/** How a 4-D feature map output (batch, channels and two spatial axes) becomes one vector per image. */
public enum Pooling {
    /**
     * {@link #AVG} for a 4-D output, nothing for a 2-D one. The channel axis of a 4-D output is the axis whose
     * size equals the expected dimension when one is known (from {@code model.properties}); otherwise it follows
     * the input layout: axis 1 for NCHW models (pool over axes 2, 3), axis 3 for NHWC models (pool over 1, 2).
     */
    AUTO,
    /** Mean over the two spatial axes (global average pooling). */
    AVG,
    /** Maximum over the two spatial axes (global max pooling). */
    MAX,
    /**
     * Generalised mean over the two spatial axes (GeM, Radenović et al., TPAMI 2018):
     * {@code (mean(max(x, 1e-6)^p))^(1/p)} per channel, p from {@code pooling.p} (default 3). p = 1 is average
     * pooling (of the map clamped at 1e-6), large p approaches max pooling.
     */
    GEM,
    /** No pooling: the output must be 2-D (batch, dimension). */
    NONE
}
