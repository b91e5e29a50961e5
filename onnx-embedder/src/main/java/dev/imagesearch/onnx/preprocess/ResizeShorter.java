package dev.imagesearch.onnx.preprocess;

import java.util.Objects;

/**
 * torchvision {@code Resize(size)}: the shorter side becomes {@code size}, the longer {@code int(size * long /
 * short)} ({@code resize-shorter 256 bilinear}), with Pillow's resampling (see {@link Interpolation}).
 */
public record ResizeShorter(int size, Interpolation interpolation) implements Transform {

    public ResizeShorter {
        Objects.requireNonNull(interpolation, "interpolation");
        if (size <= 0) {
            throw new IllegalArgumentException("resize-shorter size must be positive, got " + size);
        }
    }

    /** {width, height} of a w×h image after this resize. */
    public int[] sizeOf(int w, int h) {
        if (w <= h) {
            return new int[] {size, (int) ((long) size * h / w)};
        }
        return new int[] {(int) ((long) size * w / h), size};
    }

    @Override
    public String describe() {
        return "resize-shorter " + size + " " + Pipeline.lower(interpolation);
    }
}
