package dev.imagesearch.onnx.preprocess;

/**
 * One step of a {@link Pipeline}: an immutable value with {@code equals}/{@code hashCode} by value and a stable
 * text form ({@link #describe()}) that {@link Pipeline#parse} reads back. Geometry steps ({@link Resize},
 * {@link ResizeShorter}, {@link CenterCrop}) work on 8-bit RGB pixels; {@link Channels} and {@link Normalize} say
 * how a pixel becomes floats; {@link ToTensor} writes them in the model's layout.
 */
public sealed interface Transform permits Resize, ResizeShorter, CenterCrop, Channels, Normalize, ToTensor {

    /** The step as text, e.g. {@code center-crop 224x224}; part of the model fingerprint, so never reworded. */
    String describe();
}
