package dev.imagesearch.onnx.preprocess;

/**
 * torchvision {@code CenterCrop}: the centred {@code width × height} window ({@code center-crop 224x224}), its
 * left at {@code round((w - width) / 2)} with Python's round-half-to-even (same for the top). The image must be at
 * least that large (no padding).
 */
public record CenterCrop(int width, int height) implements Transform {

    public CenterCrop {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("center-crop size must be positive, got " + width + "x" + height);
        }
    }

    /** The offset of a {@code crop} window centred in {@code size}. */
    public static int offset(int size, int crop) {
        return (int) Math.rint((size - crop) / 2.0);
    }

    @Override
    public String describe() {
        return "center-crop " + width + "x" + height;
    }
}
