package dev.imagesearch.opencv;

import static dev.imagesearch.opencv.OpenCvJpegDecoderTest.pixels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.image.PngDecoder;
import dev.imagesearch.testing.TestImages;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;

/** The OpenCV PNG decoder on generated PNGs of every colour type: ImageIO's pixels, subsampled alike, errors. */
class OpenCvPngDecoderTest {

    private static final OpenCvPngDecoder OPENCV = OpenCvPngDecoder.load();
    private final ImageDecoder imageIo = ImageDecoder.builder().build();

    /** Random pixels, so that any shifted, swapped or rescaled sample shows. */
    private static BufferedImage noise(int type, int w, int h, long seed) {
        BufferedImage im = new BufferedImage(w, h, type);
        Random rnd = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                im.setRGB(x, y, rnd.nextInt());
            }
        }
        return im;
    }

    private static BufferedImage indexed(int bits, boolean transparent, int w, int h, long seed) {
        int n = 1 << bits;
        byte[] r = new byte[n];
        byte[] g = new byte[n];
        byte[] b = new byte[n];
        byte[] a = new byte[n];
        Random rnd = new Random(seed);
        rnd.nextBytes(r);
        rnd.nextBytes(g);
        rnd.nextBytes(b);
        Arrays.fill(a, (byte) 255);
        a[1] = 0; // one fully transparent entry: its colour must still come out, as Pillow's convert("RGB") does
        IndexColorModel cm = transparent ? new IndexColorModel(bits, n, r, g, b, a)
                : new IndexColorModel(bits, n, r, g, b);
        int type = bits == 8 ? BufferedImage.TYPE_BYTE_INDEXED : BufferedImage.TYPE_BYTE_BINARY;
        BufferedImage im = new BufferedImage(w, h, type, cm);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                im.getRaster().setSample(x, y, 0, rnd.nextInt(n));
            }
        }
        return im;
    }

    private static BufferedImage grayBits(int bits, int w, int h, long seed) {
        int n = 1 << bits;
        byte[] v = new byte[n];
        for (int i = 0; i < n; i++) {
            v[i] = (byte) (i * 255 / (n - 1)); // a gray ramp palette: ImageIO writes it as a 1/2/4-bit gray PNG
        }
        BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY,
                new IndexColorModel(bits, n, v, v, v));
        Random rnd = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                im.getRaster().setSample(x, y, 0, rnd.nextInt(n));
            }
        }
        return im;
    }

    static byte[] png(BufferedImage image, boolean interlaced) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(interlaced ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** An 8-bit gray + alpha PNG (colour type 4, which ImageIO's writer does not produce), random samples. */
    static byte[] grayAlpha(int w, int h, long seed) {
        return rawPng(w, h, 4, 2, seed, 256, Map.of());
    }

    /**
     * A PNG written byte by byte: 8 bits per sample, colour type {@code type} with {@code channels} samples per pixel,
     * random samples below {@code bound} (filter "none"), {@code extra} chunks (type to data) before IDAT, in no
     * particular order.
     */
    static byte[] rawPng(int w, int h, int type, int channels, long seed, int bound, Map<String, byte[]> extra) {
        Random rnd = new Random(seed);
        int stride = 1 + channels * w;
        byte[] raw = new byte[h * stride];
        for (int y = 0; y < h; y++) {
            for (int i = 1; i < stride; i++) {
                raw[y * stride + i] = (byte) rnd.nextInt(bound);
            }
        }
        return rawPng(w, h, type, deflate(raw), extra);
    }

    static byte[] rawPng(int w, int h, int type, byte[] idat, Map<String, byte[]> extra) {
        byte[] ihdr = {(byte) (w >>> 24), (byte) (w >>> 16), (byte) (w >>> 8), (byte) w, (byte) (h >>> 24),
            (byte) (h >>> 16), (byte) (h >>> 8), (byte) h, 8, (byte) type, 0, 0, 0};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        TestImages.pngChunk(out, "IHDR", ihdr);
        extra.forEach((t, d) -> TestImages.pngChunk(out, t, d)); // no caller needs two in a given order
        TestImages.pngChunk(out, "IDAT", idat);
        TestImages.pngChunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] raw) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(1);
        deflater.setInput(raw);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        while (!deflater.finished()) {
            out.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        return out.toByteArray();
    }

    private static byte[] palette(int entries, long seed) {
        byte[] p = new byte[3 * entries];
        new Random(seed).nextBytes(p);
        return p;
    }

    /** {@code png} with one more chunk inserted right after IHDR. */
    static byte[] withChunk(byte[] png, String type, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, 33);
        TestImages.pngChunk(out, type, data);
        out.write(png, 33, png.length - 33);
        return out.toByteArray();
    }

    /** Counts the files the decoder is handed. */
    private static final class Counting implements PngDecoder {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public BufferedImage decode(byte[] png, int step) throws ImageDecodeException {
            calls.incrementAndGet();
            return OPENCV.decode(png, step);
        }
    }

    private void assertSamePixelsAsImageIo(String what, byte[] png) throws Exception {
        Counting counting = new Counting();
        ImageDecoder withOpenCv = ImageDecoder.builder().pngDecoder(counting).build();
        // minSide 0: full size; 40 and 20 on a 181x163 image: ImageIO subsampling steps 2 and 4 (margin 2)
        int[][] sideAndStep = {{0, 1}, {40, 2}, {20, 4}};
        for (int[] ss : sideAndStep) {
            int minSide = ss[0];
            assertThat(imageIo.subsampling(181, 163, minSide)).isEqualTo(ss[1]);
            BufferedImage expected = imageIo.decode(png, minSide);
            // directly (a decoder whose result ImageDecoder rejected would pass unseen through the fallback)
            assertThat(pixels(OPENCV.decode(png, ss[1]))).as("%s, step %d", what, ss[1])
                    .isEqualTo(pixels(expected));
            BufferedImage actual = withOpenCv.decode(png, minSide);
            assertThat(actual.getWidth()).as("%s, minSide %d: width", what, minSide).isEqualTo(expected.getWidth());
            assertThat(actual.getHeight()).as("%s, minSide %d: height", what, minSide)
                    .isEqualTo(expected.getHeight());
            assertThat(pixels(actual)).as("%s, minSide %d", what, minSide).isEqualTo(pixels(expected));
        }
        assertThat(counting.calls.get()).as("%s went to the PNG decoder", what).isEqualTo(3);
    }

    @Test
    void everyColourTypeAndBitDepthHasImageIosPixels() throws Exception {
        int w = 181;
        int h = 163;
        assertSamePixelsAsImageIo("RGB", png(noise(BufferedImage.TYPE_INT_RGB, w, h, 1), false));
        assertSamePixelsAsImageIo("RGBA", png(noise(BufferedImage.TYPE_INT_ARGB, w, h, 2), false));
        assertSamePixelsAsImageIo("gray 8", png(noise(BufferedImage.TYPE_BYTE_GRAY, w, h, 3), false));
        for (int bits : new int[] {1, 2, 4}) {
            byte[] gray = png(grayBits(bits, w, h, bits), false);
            assertThat(new int[] {gray[24], gray[25]}).as("IHDR bit depth, colour type").containsExactly(bits, 0);
            assertSamePixelsAsImageIo("gray " + bits, gray);
        }
        for (int bits : new int[] {1, 2, 4, 8}) {
            byte[] palette = png(indexed(bits, false, w, h, 10 + bits), false);
            assertThat(new int[] {palette[24], palette[25]}).containsExactly(bits, 3);
            assertSamePixelsAsImageIo("palette " + bits, palette);
            byte[] transparent = png(indexed(bits, true, w, h, 20 + bits), false);
            assertThat(new String(transparent, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("tRNS");
            assertSamePixelsAsImageIo("palette " + bits + " + tRNS", transparent);
        }
        assertSamePixelsAsImageIo("gray + alpha", grayAlpha(w, h, 12));
        // tRNS on RGB and gray: a colour key, dropped like any alpha
        assertSamePixelsAsImageIo("RGB + tRNS",
                rawPng(w, h, 2, 3, 13, 4, Map.of("tRNS", new byte[] {0, 1, 0, 2, 0, 3})));
        assertSamePixelsAsImageIo("gray + tRNS", rawPng(w, h, 0, 1, 14, 4, Map.of("tRNS", new byte[] {0, 2})));
        // a palette of 200 entries and indices up to 255 (malformed): black beyond the palette in both decoders
        assertSamePixelsAsImageIo("palette with indices beyond it", rawPng(w, h, 3, 1, 15, 256,
                Map.of("PLTE", palette(200, 15))));
        assertSamePixelsAsImageIo("interlaced RGB", png(noise(BufferedImage.TYPE_INT_RGB, w, h, 4), true));
        assertSamePixelsAsImageIo("interlaced gray", png(noise(BufferedImage.TYPE_BYTE_GRAY, w, h, 5), true));
        // gamma 1.0 instead of sRGB's 1/2.2: neither ImageIO nor Pillow applies it, so libpng must not either
        byte[] gama = {0, 1, (byte) 0x86, (byte) 0xA0}; // 100000
        assertSamePixelsAsImageIo("RGB + gAMA", withChunk(png(noise(BufferedImage.TYPE_INT_RGB, w, h, 6), false),
                "gAMA", gama));
    }

    @Test
    void shortPalettesThatImageIoPadsWithTheirLastColourStayWithImageIo() throws Exception {
        // ImageIO pads a 4-entry palette of an 8-bit image with its last colour, libpng with black
        byte[] png = rawPng(60, 40, 3, 1, 16, 256, Map.of("PLTE", palette(4, 16)));
        Counting counting = new Counting();
        ImageDecoder withOpenCv = ImageDecoder.builder().pngDecoder(counting).build();
        assertThat(pixels(withOpenCv.decode(png))).isEqualTo(pixels(imageIo.decode(png)));
        assertThat(counting.calls.get()).isZero();
    }

    @Test
    void largePngsToBeSubsampledStayWithImageIo() throws Exception {
        // 4001 x 4001 gray, zero rows: 16.008 MP would take 48 MB of native memory before subsampling
        int side = 4001;
        byte[] png = rawPng(side, side, 0, deflate(new byte[side * (side + 1)]), Map.of());
        Counting counting = new Counting();
        ImageDecoder withOpenCv = ImageDecoder.builder().pngDecoder(counting).build();
        BufferedImage image = withOpenCv.decode(png, 256);
        assertThat(image.getWidth()).isEqualTo((side - 3 + 6) / 7); // ImageIO, step 7 from pixel 3
        assertThat(counting.calls.get()).isZero();
    }

    @Test
    void sixteenBitAndIccTaggedPngsStayWithImageIo() throws Exception {
        Counting counting = new Counting();
        ImageDecoder withOpenCv = ImageDecoder.builder().pngDecoder(counting).build();
        byte[] sixteen = png(noise(BufferedImage.TYPE_USHORT_GRAY, 50, 40, 7), false);
        assertThat(pixels(withOpenCv.decode(sixteen))).isEqualTo(pixels(imageIo.decode(sixteen)));
        byte[] profile = java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_sRGB).getData();
        byte[] icc = withChunk(png(noise(BufferedImage.TYPE_INT_RGB, 50, 40, 8), false), "iCCP",
                iccpChunk(profile));
        assertThat(pixels(withOpenCv.decode(icc))).isEqualTo(pixels(imageIo.decode(icc)));
        assertThat(counting.calls.get()).isZero();
    }

    private static byte[] iccpChunk(byte[] profile) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("sRGB".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(0); // name terminator
        out.write(0); // compression method: deflate
        out.writeBytes(deflate(profile));
        return out.toByteArray();
    }

    @Test
    void brokenPngsGetImageIosMessagesThroughImageDecoder() throws Exception {
        ImageDecoder withOpenCv = ImageDecoder.builder().pngDecoder(OPENCV).build();
        byte[] png = png(noise(BufferedImage.TYPE_INT_RGB, 120, 90, 9), false);
        byte[] truncated = Arrays.copyOf(png, png.length / 2);
        String expected = message(() -> imageIo.decode(truncated));
        assertThat(message(() -> withOpenCv.decode(truncated))).isEqualTo(expected);
        byte[] corrupt = png.clone();
        for (int i = 60; i < corrupt.length - 20; i += 7) {
            corrupt[i] ^= 0x5A; // deflate stream and CRCs damaged
        }
        assertThatThrownBy(() -> withOpenCv.decode(corrupt)).isInstanceOf(ImageDecodeException.class);
        // intact chunks (CRCs right) around a broken deflate stream: libpng fails, ImageIO explains
        byte[] garbage = new byte[300];
        new Random(17).nextBytes(garbage);
        byte[] badStream = rawPng(50, 40, 2, garbage, Map.of());
        Counting counting = new Counting();
        ImageDecoder counted = ImageDecoder.builder().pngDecoder(counting).build();
        assertThat(message(() -> counted.decode(badStream))).isEqualTo(message(() -> imageIo.decode(badStream)));
        assertThat(counting.calls.get()).as("libpng tried first").isEqualTo(1);
        assertThatThrownBy(() -> OPENCV.decode(truncated, 1)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("could not decode the PNG");
    }

    private interface Decode {
        BufferedImage run() throws Exception;
    }

    private static String message(Decode decode) {
        try {
            decode.run();
            throw new AssertionError("decoded without an error");
        } catch (ImageDecodeException e) {
            return e.getMessage();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void sizeLimitsApplyBeforeDecoding() throws Exception {
        Counting counting = new Counting();
        ImageDecoder small = ImageDecoder.builder().limits(dev.imagesearch.image.ImageLimits.DEFAULT.withMaxPixels(100))
                .pngDecoder(counting).build();
        byte[] png = png(noise(BufferedImage.TYPE_INT_RGB, 20, 20, 11), false);
        assertThatThrownBy(() -> small.decode(png)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("20x20");
        assertThat(counting.calls.get()).as("refused before decoding").isZero();
    }

    @Test
    void stepMustBePositive() {
        assertThatThrownBy(() -> OPENCV.decode(new byte[] {1}, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(OPENCV.name()).isEqualTo("opencv");
        assertThat(OPENCV.toString()).contains(OPENCV.version());
    }
}
