package dev.imagesearch.spark;

import dev.imagesearch.embed.Embedder;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.image.PngDecoder;
import dev.imagesearch.image.ScaledJpegDecoder;
import dev.imagesearch.onnx.ModelCatalog;
import dev.imagesearch.onnx.ModelDescriptor;
import dev.imagesearch.onnx.OnnxEmbedder;
import dev.imagesearch.opencv.OpenCvJpegDecoder;
import dev.imagesearch.opencv.OpenCvPngDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Loads models and decoders on an executor the way the CLI does, so vectors and fingerprints match its index. */
final class Models {

    private Models() {
    }

    /** Loads the models, closing those already loaded if one fails. */
    static List<Embedder> load(List<String> names, String modelDirectory, int onnxThreads) {
        Path dir = modelDirectory == null ? ModelCatalog.defaultDirectory() : Path.of(modelDirectory);
        ModelCatalog catalog = ModelCatalog.at(dir);
        List<Embedder> loaded = new ArrayList<>();
        try {
            for (String name : names) {
                Path byName = dir.resolve(name);
                Path modelDir = Files.isRegularFile(byName.resolve(ModelDescriptor.FILE_NAME)) ? byName : Path.of(name);
                if (!Files.isRegularFile(modelDir.resolve(ModelDescriptor.FILE_NAME))) {
                    loaded.add(catalog.load(name)); // throws the catalog's message listing what exists
                } else {
                    loaded.add(OnnxEmbedder.fromDirectory(modelDir, onnxThreads));
                }
            }
            return loaded;
        } catch (RuntimeException e) {
            loaded.forEach(Embedder::close);
            throw e;
        }
    }

    /** The JPEG decoder for a resolved choice: OpenCV's, or null for ImageIO. */
    static ScaledJpegDecoder jpegDecoder(IndexSettings.JpegDecoding decoding) {
        return switch (decoding) {
            case IMAGEIO -> null;
            case OPENCV -> OpenCvJpegDecoder.load();
            case AUTO -> throw new IllegalStateException("AUTO must be resolved on the driver first");
        };
    }

    /** OpenCV's PNG decoder unless ImageIO was chosen (as the CLI: same pixels, not part of any fingerprint). */
    static PngDecoder pngDecoder(IndexSettings.JpegDecoding decoding) {
        if (decoding == IndexSettings.JpegDecoding.IMAGEIO) {
            return null;
        }
        try {
            return OpenCvPngDecoder.load();
        } catch (IllegalStateException e) {
            return null;
        }
    }

    /** Whether OpenCV's JPEG decoder loads in this JVM ({@link IndexSettings.JpegDecoding#AUTO}). */
    static boolean openCvLoads() {
        try {
            OpenCvJpegDecoder.load();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** A decoder configured as {@code ImageSearch}'s own for these decoders (default limits). */
    static ImageDecoder decoder(ScaledJpegDecoder jpeg, PngDecoder png) {
        return ImageDecoder.builder().scaledJpegDecoder(jpeg).pngDecoder(png).build();
    }

    /** The side {@code ImageSearch} passes to {@link ImageDecoder#decode(byte[], int)} for these models. */
    static int minSide(List<Embedder> embedders, boolean reducedDecoding) {
        return reducedDecoding ? embedders.stream().mapToInt(Embedder::minimumInputSide).max().orElse(0) : 0;
    }
}
