package dev.imagesearch.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.duplicates.PairVerifier.Pair;
import dev.imagesearch.duplicates.PairVerifier.Verdict;
import dev.imagesearch.testing.TestResources;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real photos and edited copies of them (made here with Java2D): a copy is SAME, another photo (of the same kind or
 * the same place) DIFFERENT, a flat image or a location that is not a file UNKNOWN.
 */
class GeometricVerifierIT {

    @TempDir
    static Path tmp;

    static Path original;
    static List<Path> copies = new ArrayList<>();

    private static BufferedImage read(Path p) throws IOException {
        BufferedImage img = ImageIO.read(p.toFile());
        BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.drawImage(img, 0, 0, null);
        g.dispose();
        return rgb;
    }

    private static Path write(BufferedImage img, String name) throws IOException {
        Path p = tmp.resolve(name);
        ImageIO.write(img, name.endsWith(".png") ? "png" : "jpg", p.toFile());
        return p;
    }

    /** Draws {@code src}'s region {@code (x, y, w, h)} into a {@code ow × oh} image, optionally mirrored. */
    private static BufferedImage edit(BufferedImage src, int x, int y, int w, int h, int ow, int oh, boolean mirror) {
        BufferedImage out = new BufferedImage(ow, oh, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        if (mirror) {
            g.drawImage(src, ow, 0, 0, oh, x, y, x + w, y + h, null);
        } else {
            g.drawImage(src, 0, 0, ow, oh, x, y, x + w, y + h, null);
        }
        g.dispose();
        return out;
    }

    @BeforeAll
    static void copies() throws IOException {
        original = TestResources.photo("kphotoalbum/grand_canyon_1.jpg");
        BufferedImage src = read(original);
        int w = src.getWidth();
        int h = src.getHeight();
        copies.add(write(edit(src, w / 10, h / 10, w * 8 / 10, h * 8 / 10, w * 4 / 10, h * 4 / 10, false),
                "crop-rescale.jpg"));
        copies.add(write(edit(src, 0, 0, w, h, w, h, true), "flip.jpg"));
        BufferedImage gray = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = gray.createGraphics();
        g.drawImage(src, 0, 0, null);
        g.dispose();
        copies.add(write(gray, "grayscale.png"));
        BufferedImage text = edit(src, 0, 0, w, h, w, h, false);
        g = text.createGraphics();
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, h / 12));
        g.drawString("Holiday 2026", w / 10, h * 9 / 10);
        g.dispose();
        copies.add(write(text, "caption.jpg"));
    }

    @Test
    void editedCopiesAreTheSameAndOtherPhotosAreNot() {
        GeometricVerifier v = GeometricVerifier.builder().threads(2).build();
        List<Pair> pairs = new ArrayList<>();
        for (Path c : copies) {
            pairs.add(new Pair(original.toString(), c.toString()));
            pairs.add(new Pair(c.toString(), original.toString())); // either way round
        }
        Path sameKind = TestResources.photo("kphotoalbum/grand_canyon_3.jpg");
        Path other = TestResources.photo("darknet/horses.jpg");
        pairs.add(new Pair(original.toString(), sameKind.toString()));
        pairs.add(new Pair(original.toString(), other.toString()));
        List<Verdict> verdicts = v.verify(pairs);
        assertThat(verdicts.subList(0, 2 * copies.size())).as("copies %s", copies).containsOnly(Verdict.SAME);
        assertThat(verdicts.subList(2 * copies.size(), pairs.size())).containsOnly(Verdict.DIFFERENT);
        assertThat(v.name()).isEqualTo("orb-similarity");
    }

    @Test
    void aTightCropIsTheSameEitherWayRoundAndATinyCacheGivesTheSameVerdicts() throws IOException {
        BufferedImage src = read(original);
        int w = src.getWidth();
        int h = src.getHeight();
        // a quarter of each side (1/16 of the area), enlarged: it covers 6 % of the original once aligned
        Path tight = write(edit(src, w * 3 / 8, h * 3 / 8, w / 4, h / 4, w / 2, h / 2, false), "tight.jpg");
        List<Pair> pairs = new ArrayList<>(List.of(new Pair(original.toString(), tight.toString()),
                new Pair(tight.toString(), original.toString())));
        for (Path c : copies) {
            pairs.add(new Pair(c.toString(), original.toString()));
            pairs.add(new Pair(c.toString(), tight.toString()));
        }
        List<Verdict> roomy = GeometricVerifier.builder().threads(2).build().verify(pairs);
        assertThat(roomy.get(0)).isEqualTo(roomy.get(1)).isEqualTo(Verdict.SAME);
        // two cached images per thread: described images are released and read again, with the same verdicts
        assertThat(GeometricVerifier.builder().threads(1).cacheSize(2).build().verify(pairs)).isEqualTo(roomy);
    }

    @Test
    void flatImagesUnreadableFilesAndUrisAreLeftToTheScore() throws IOException {
        BufferedImage flat = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = flat.createGraphics();
        g.setColor(new Color(40, 120, 200));
        g.fillRect(0, 0, 300, 200);
        g.dispose();
        Path blue = write(flat, "blue.png");
        Path broken = tmp.resolve("broken.jpg");
        java.nio.file.Files.write(broken, new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
        List<Verdict> verdicts = GeometricVerifier.create().verify(List.of(
                new Pair(blue.toString(), original.toString()),
                new Pair(broken.toString(), original.toString()),
                new Pair(tmp.resolve("missing.jpg").toString(), original.toString()),
                new Pair("s3://bucket/photo.jpg", original.toString())));
        assertThat(verdicts).containsOnly(Verdict.UNKNOWN).hasSize(4);
        assertThat(GeometricVerifier.create().verify(List.of())).isEmpty();
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> GeometricVerifier.builder().minCorrelation(2)).hasMessageContaining("[-1, 1]");
        assertThatThrownBy(() -> GeometricVerifier.builder().threads(0)).hasMessageContaining("threads must be >= 1");
        assertThatThrownBy(() -> GeometricVerifier.builder().side(10)).hasMessageContaining("side must be >= 64");
    }
}
