package dev.imagesearch.cli;

import dev.imagesearch.image.PngDecoder;
import dev.imagesearch.image.ScaledJpegDecoder;
import dev.imagesearch.onnx.ModelCatalog;
import dev.imagesearch.opencv.OpenCvJpegDecoder;
import dev.imagesearch.opencv.OpenCvPngDecoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Which model(s) embed the images and which decoders read them (both are part of an index's identity): shared by
 * every command that opens an index.
 */
public final class ModelAndDecoderOptions {

    /** The model used when {@code --model} is not given. */
    public static final String DEFAULT_MODEL = ModelCatalog.DEFAULT_MODEL;

    @Option(names = "--model", paramLabel = "NAME|PATH", defaultValue = "${env:IMAGESEARCH_MODEL:-" + DEFAULT_MODEL + "}",
            description = "Model: a name listed by 'imagesearch models', a model directory or an .onnx file "
                    + "(default: ${DEFAULT-VALUE}; env IMAGESEARCH_MODEL).")
    String model;

    @Option(names = "--model-dir", paramLabel = "DIR",
            description = "Where models are looked up by name (default: $IMAGESEARCH_MODELS, else "
                    + "$IMAGESEARCH_CACHE/models, else ~/.cache/imagesearch/models).")
    Path modelDirectory;

    @Option(names = "--preset", paramLabel = "NAME",
            description = "Preprocessing preset for a bare .onnx file (required for one), or to override a "
                    + "model's own preset.")
    String preset;

    @Option(names = "--models", paramLabel = "A,B,...", split = ",",
            description = "Several models side by side (each with its own collection in the same index); the first "
                    + "is the primary one. Overrides --model.")
    List<String> models;

    /** Who decodes JPEGs; see {@link #jpegDecoder}. */
    public enum JpegDecoderChoice { AUTO, OPENCV, IMAGEIO }

    @Option(names = "--jpeg-decoder", paramLabel = "auto|opencv|imageio",
            defaultValue = "${env:IMAGESEARCH_JPEG_DECODER:-auto}",
            description = "JPEG decoder: opencv (libjpeg-turbo, decodes large photos at 1/2, 1/4 or 1/8 in the DCT "
                    + "domain: fastest), imageio (the JDK's), or auto = the one an existing index was built with, "
                    + "else opencv where its native library loads, else imageio (default: ${DEFAULT-VALUE}; env "
                    + "IMAGESEARCH_JPEG_DECODER). An index is read with the decoder it was built with. Unless imageio, "
                    + "OpenCV (libpng) also decodes PNGs of up to 8 bits per sample, with ImageIO's pixels.")
    JpegDecoderChoice jpegDecoder = JpegDecoderChoice.AUTO;

    /**
     * The JPEG decoder to give {@code ImageSearch}: OpenCV's, or {@code null} for ImageIO.
     *
     * @param warn told when {@code auto} falls back to ImageIO because OpenCV does not load
     * @throws CliException if {@code --jpeg-decoder opencv} was asked for and OpenCV does not load
     */
    ScaledJpegDecoder jpegDecoder(java.util.function.Consumer<String> warn) {
        if (jpegDecoder == JpegDecoderChoice.IMAGEIO) {
            return null;
        }
        try {
            return OpenCvJpegDecoder.load();
        } catch (IllegalStateException e) {
            if (jpegDecoder == JpegDecoderChoice.OPENCV) {
                throw CliException.failure(e.getMessage() + "; use --jpeg-decoder imageio", e);
            }
            warn.accept(e.getMessage() + "; decoding with ImageIO");
            return null;
        }
    }

    /**
     * The PNG decoder to give {@code ImageSearch}: OpenCV's unless {@code --jpeg-decoder imageio} (the user chose the
     * JDK's decoders) or OpenCV does not load ({@link #jpegDecoder} reports that); {@code null} for ImageIO.
     */
    PngDecoder pngDecoder() {
        if (jpegDecoder == JpegDecoderChoice.IMAGEIO) {
            return null;
        }
        try {
            return OpenCvPngDecoder.load();
        } catch (IllegalStateException e) {
            return null;
        }
    }

    /** The models to load, the primary one first: {@code --models} if given, else {@code --model}. */
    List<String> names() {
        if (models == null || models.isEmpty()) {
            return List.of(model);
        }
        List<String> out = new ArrayList<>();
        for (String m : models) {
            String n = m.trim();
            if (n.isEmpty()) {
                throw CliException.usage("--models has an empty name: '" + String.join(",", models) + "'");
            }
            if (out.contains(n)) {
                throw CliException.usage("--models names '" + n + "' twice");
            }
            out.add(n);
        }
        return out;
    }

    /** The catalog directory to use with {@code source}. */
    Path directory(ModelSource source) {
        return modelDirectory != null ? modelDirectory : source.defaultDirectory();
    }
}
