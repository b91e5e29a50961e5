package dev.imagesearch.opencv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.IndexReport;
import dev.imagesearch.search.Match;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.onnx.ModelCatalog;
import dev.imagesearch.onnx.OnnxEmbedder;
import dev.imagesearch.store.CollectionMismatchException;
import dev.imagesearch.testing.TestResources;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenCV decoder on the real sample photos and the real default model. */
class OpenCvDecodingIT {

    private static final OpenCvJpegDecoder OPENCV = OpenCvJpegDecoder.load();
    private static final OpenCvPngDecoder OPENCV_PNG = OpenCvPngDecoder.load();
    private static List<Path> jpegs;
    private static List<Path> pngs;
    private static Path sample;

    @TempDir
    Path tmp;

    @BeforeAll
    static void photos() throws Exception {
        sample = TestResources.existing(TestResources.cache().resolve("photos/sample"),
                "sample photos (run scripts/provision.sh)");
        try (Stream<Path> s = Files.list(sample)) {
            jpegs = s.filter(p -> p.toString().toLowerCase().endsWith(".jpg")).sorted().toList();
        }
        assertThat(jpegs).hasSizeGreaterThan(20);
        // every PNG the provisioned photo sets have (sample, skimage, ...), for the PNG decoder
        try (Stream<Path> s = Files.walk(TestResources.cache().resolve("photos"))) {
            pngs = s.filter(p -> p.toString().toLowerCase().endsWith(".png")).sorted().toList();
        }
        assertThat(pngs).hasSizeGreaterThan(5);
    }

    private static OnnxEmbedder model() {
        TestResources.model("efficientnet-lite0");
        return ModelCatalog.at(TestResources.cache().resolve("models")).load("efficientnet-lite0");
    }

    @Test
    void atFullSizeEveryPhotoHasImageIosPixels() throws Exception {
        ImageDecoder imageIo = ImageDecoder.builder().reducedDecodeMargin(0).build();
        ImageDecoder opencv = ImageDecoder.builder().reducedDecodeMargin(0).scaledJpegDecoder(OPENCV).build();
        for (Path p : jpegs) {
            BufferedImage a = imageIo.decode(p);
            BufferedImage b = opencv.decode(p);
            assertThat(OpenCvJpegDecoderTest.pixels(b)).as(p.getFileName().toString())
                    .isEqualTo(OpenCvJpegDecoderTest.pixels(a));
        }
    }

    @Test
    void everyPngPhotoHasImageIosPixelsFullAndSubsampled() throws Exception {
        ImageDecoder imageIo = ImageDecoder.builder().build();
        ImageDecoder opencv = ImageDecoder.builder().pngDecoder(OPENCV_PNG).build();
        int subsampled = 0;
        for (Path p : pngs) {
            byte[] data = Files.readAllBytes(p);
            for (int minSide : new int[] {0, 256}) {
                BufferedImage a = imageIo.decode(data, minSide);
                BufferedImage b = opencv.decode(data, minSide);
                assertThat(OpenCvJpegDecoderTest.pixels(b)).as("%s, minSide %d", p, minSide)
                        .isEqualTo(OpenCvJpegDecoderTest.pixels(a));
            }
            int[] size = ImageDecoder.dimensions(data);
            subsampled += imageIo.subsampling(size[0], size[1], 256) > 1 ? 1 : 0;
        }
        System.out.printf("PNG decoder vs ImageIO: %d PNGs equal, %d of them also subsampled%n", pngs.size(),
                subsampled);
        assertThat(subsampled).as("PNGs large enough to be subsampled (opencv/chessboard.png...)").isPositive();
    }

    @Test
    void scaledDecodingKeepsEmbeddingsCloseToTheFullDecode() throws Exception {
        ImageDecoder full = ImageDecoder.builder().reducedDecodeMargin(0).build();
        ImageDecoder scaled = ImageDecoder.builder().scaledJpegDecoder(OPENCV).build();
        List<Double> cosines = new ArrayList<>();
        try (OnnxEmbedder e = model()) {
            int need = e.minimumInputSide();
            for (Path p : jpegs) {
                byte[] data = Files.readAllBytes(p);
                BufferedImage reference = full.decode(data);
                if (scaled.dctScale(reference.getWidth(), reference.getHeight(), need) == 1) {
                    continue;
                }
                cosines.add(dot(e.embed(reference), e.embed(scaled.decode(data, need))));
            }
        }
        Collections.sort(cosines);
        System.out.printf("DCT-scaled vs full decode, %d photos: min cos %.4f, median %.4f%n", cosines.size(),
                cosines.get(0), cosines.get(cosines.size() / 2));
        assertThat(cosines).hasSizeGreaterThan(15);
        // measured 0.927 (orange.jpg, 512 px: exactly the need) and 0.995 on these photos
        assertThat(cosines.get(0)).isGreaterThan(0.9);
        assertThat(cosines.get(cosines.size() / 2)).isGreaterThan(0.99);
    }

    @Test
    void indexWithItFindsEachPhotoFirstAndRefusesToMixDecoders() throws Exception {
        Path data = tmp.resolve("index");
        try (ImageSearch search = ImageSearch.builder().embedder(model()).dataDirectory(data)
                .jpegDecoder(OPENCV).build()) {
            IndexReport r = search.indexDirectory(sample);
            assertThat(r.failures()).isEmpty();
            assertThat(r.indexed()).isGreaterThanOrEqualTo(jpegs.size());
            for (Path p : jpegs) {
                List<Match> hits = search.similar(p, 1);
                assertThat(hits.get(0).score()).as(p.getFileName().toString()).isGreaterThan(0.9999f);
                assertThat(hits.get(0).location()).isEqualTo(p.toString());
            }
        }
        // the PNG decoder gives ImageIO's pixels, so it is no part of the fingerprint: the index opens with it too
        try (ImageSearch search = ImageSearch.builder().embedder(model()).dataDirectory(data).jpegDecoder(OPENCV)
                .pngDecoder(OPENCV_PNG).existingCollectionsOnly(true).build()) {
            for (Path p : pngsIn(sample)) {
                List<Match> hits = search.similar(p, 1);
                assertThat(hits.get(0).score()).as(p.getFileName().toString()).isGreaterThan(0.9999f);
                assertThat(hits.get(0).location()).isEqualTo(p.toString());
            }
        }
        // vectors from DCT-scaled decoding must not be mixed with ImageIO's: the fingerprint says which
        assertThatThrownBy(() -> ImageSearch.builder().embedder(model()).dataDirectory(data).build())
                .isInstanceOf(CollectionMismatchException.class).hasMessageContaining("decode=reduced+jpeg=opencv");
    }

    private static List<Path> pngsIn(Path dir) {
        List<Path> in = pngs.stream().filter(p -> p.getParent().equals(dir)).toList();
        assertThat(in).isNotEmpty();
        return in;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
