package dev.imagesearch.cli;

import dev.imagesearch.embed.Embedder;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A model source with two cheap deterministic models, so the CLI's plumbing can be unit tested without ONNX:
 * {@code grid} (mean colour of a 4x4 grid, 48 values) and {@code grid-other}, which has the same name but another
 * fingerprint (to provoke a collection mismatch).
 */
final class FakeModels implements ModelSource {

    static final String GRID = "grid";
    static final String GRID_OTHER = "grid-other";
    /** The same vectors as {@code grid}, under another model name (so another collection). */
    static final String PATCHES = "patches";
    /** A second model with its own name (2x2 grid, 12 values), for several models side by side. */
    static final String COARSE = "coarse";
    /** Like {@link #COARSE} under the name {@code flaky}, but fails on every image wider than 60 pixels. */
    static final String FLAKY = "flaky";

    @Override
    public Path defaultDirectory() {
        return Path.of("/nonexistent/models");
    }

    @Override
    public Embedder load(Path directory, String nameOrPath, String preset) {
        return switch (nameOrPath) {
            case GRID -> new GridEmbedder("v1");
            case GRID_OTHER -> new GridEmbedder("v2");
            case PATCHES -> new GridEmbedder(PATCHES, "v1", 4, Integer.MAX_VALUE);
            case COARSE -> new GridEmbedder(COARSE, "v1", 2, Integer.MAX_VALUE);
            case FLAKY -> new GridEmbedder(FLAKY, "v1", 2, 60);
            default -> throw CliException.usage("unknown model '" + nameOrPath + "'; available: " + GRID + ", "
                    + GRID_OTHER);
        };
    }

    @Override
    public List<ModelInfo> list(Path directory) {
        return List.of(new ModelInfo(GRID, 48, "grid4", Path.of("/models/grid"), "test model"));
    }

    /** Mean RGB of each cell of a grid (4x4 unless given), L2-normalised. */
    static final class GridEmbedder implements Embedder {
        private final String name;
        private final String version;
        private final int grid;
        private final int maxWidth;

        GridEmbedder(String version) {
            this(GRID, version, 4, Integer.MAX_VALUE);
        }

        GridEmbedder(String name, String version, int grid, int maxWidth) {
            this.name = name;
            this.version = version;
            this.grid = grid;
            this.maxWidth = maxWidth;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int dimension() {
            return grid * grid * 3;
        }

        @Override
        public String fingerprint() {
            return name + "-" + version;
        }

        @Override
        public float[] embed(BufferedImage image) {
            if (image.getWidth() > maxWidth) {
                throw new IllegalStateException(name + " cannot take images wider than " + maxWidth + " px");
            }
            float[] v = new float[dimension()];
            int w = image.getWidth();
            int h = image.getHeight();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int cell = (y * grid / h) * grid + (x * grid / w);
                    int rgb = image.getRGB(x, y);
                    v[cell * 3] += ((rgb >> 16) & 0xFF) + 1;
                    v[cell * 3 + 1] += ((rgb >> 8) & 0xFF) + 1;
                    v[cell * 3 + 2] += (rgb & 0xFF) + 1;
                }
            }
            double norm = 0;
            for (float f : v) {
                norm += f * f;
            }
            for (int i = 0; i < v.length; i++) {
                v[i] /= (float) Math.sqrt(norm);
            }
            return v;
        }
    }

    /** Writes a synthetic picture (a background and a rectangle, varied by {@code seed}) as PNG or JPEG. */
    static Path picture(Path file, int seed) {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.getHSBColor((seed * 0.13f) % 1f, 0.8f, 0.9f));
            g.fillRect(0, 0, 64, 48);
            g.setColor(Color.getHSBColor((seed * 0.37f + 0.5f) % 1f, 0.9f, 0.4f));
            g.fillRect((seed * 7) % 40, (seed * 5) % 30, 20, 16);
        } finally {
            g.dispose();
        }
        String name = file.getFileName().toString();
        String format = name.endsWith(".png") ? "png" : "jpg";
        try {
            if (!ImageIO.write(img, format, file.toFile())) {
                throw new IOException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
