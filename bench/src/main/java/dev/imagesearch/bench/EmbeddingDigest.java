package dev.imagesearch.bench;

import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.onnx.ModelDescriptor;
import dev.imagesearch.onnx.OnnxEmbedder;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Prints, for every model folder under a models directory, its fingerprint and a digest of the exact bits of each
 * photo's vector, embedded in one batch and one by one. Run by two builds, the outputs are equal exactly when both
 * give the same fingerprints and bit-identical embeddings (how the preprocessing refactoring of issue 14 was
 * checked: {@code diff} of the two outputs).
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.imagesearch.bench.EmbeddingDigest MODELS_DIR PHOTO...</pre>
 */
public final class EmbeddingDigest {

    private EmbeddingDigest() {
    }

    public static void main(String[] args) throws Exception {
        ImageDecoder decoder = new ImageDecoder();
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            images.add(decoder.decode(Path.of(args[i])));
        }
        List<Path> dirs;
        try (Stream<Path> s = Files.list(Path.of(args[0]))) {
            dirs = s.filter(d -> Files.isRegularFile(d.resolve(ModelDescriptor.FILE_NAME))).sorted().toList();
        }
        for (Path dir : dirs) {
            try (OnnxEmbedder e = OnnxEmbedder.fromDirectory(dir)) {
                System.out.println(dir.getFileName() + " " + e.fingerprint());
                List<float[]> batch = e.embedBatch(images);
                for (int i = 0; i < images.size(); i++) {
                    System.out.println("  " + Path.of(args[i + 1]).getFileName() + " batch=" + digest(batch.get(i))
                            + " one=" + digest(e.embed(images.get(i))));
                }
            }
        }
    }

    private static String digest(float[] v) {
        long h = 1125899906842597L;
        for (float f : v) {
            h = 31 * h + Float.floatToRawIntBits(f);
        }
        return Long.toHexString(h);
    }
}
