package dev.imagesearch.onnx.preprocess;

import java.util.Objects;

/**
 * Resize to exactly {@code width × height}, ignoring the aspect ratio ({@code resize 224x224 bilinear}), with
 * Pillow's resampling (see {@link Interpolation}).
 */
public record Resize(int width, int height, Interpolation interpolation) implements Transform {

    public Resize {
        Objects.requireNonNull(interpolation, "interpolation");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("resize size must be positive, got " + width + "x" + height);
        }
    }

    @Override
    public String describe() {
        return "resize " + width + "x" + height + " " + Pipeline.lower(interpolation);
    }
}
