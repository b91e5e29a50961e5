package dev.imagesearch.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.testing.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PngHeaderTest {

    private static byte[] insertAfterIhdr(byte[] png, String type, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, 33);
        TestImages.pngChunk(out, type, data);
        out.write(png, 33, png.length - 33);
        return out.toByteArray();
    }

    @Test
    void readsTheHeaderOfAnIntactPng() {
        PngHeader h = PngHeader.read(TestImages.png(1, 40));
        assertThat(h).isNotNull();
        assertThat(h.width()).isEqualTo(40);
        assertThat(h.height()).isEqualTo(40);
        assertThat(h.bitDepth()).isEqualTo(8);
        assertThat(h.intact()).isTrue();
        assertThat(h.iccProfile()).isFalse();
        assertThat(h.plain()).isTrue();
    }

    @Test
    void cutOrDamagedFilesAreNotIntact() {
        byte[] png = TestImages.png(2, 60);
        assertThat(PngHeader.read(Arrays.copyOf(png, png.length - 1)).intact()).as("cut inside IEND").isFalse();
        assertThat(PngHeader.read(Arrays.copyOf(png, png.length - 12)).intact()).as("IEND missing").isFalse();
        byte[] flipped = png.clone();
        flipped[50] ^= 1; // inside the image data: its CRC no longer matches
        assertThat(PngHeader.read(flipped).plain()).isFalse();
        byte[] badHeader = png.clone();
        badHeader[20] ^= 1; // the height, under IHDR's CRC
        assertThat(PngHeader.read(badHeader).intact()).isFalse();
    }

    @Test
    void iccProfilesAndSixteenBitsAreNotPlain() {
        byte[] png = TestImages.png(3, 30);
        PngHeader icc = PngHeader.read(insertAfterIhdr(png, "iCCP", new byte[] {'x', 0, 0, 1, 2}));
        assertThat(icc.iccProfile()).isTrue();
        assertThat(icc.intact()).isTrue();
        assertThat(icc.plain()).isFalse();
        byte[] sixteen = TestImages.encode(new BufferedImage(10, 10, BufferedImage.TYPE_USHORT_GRAY), "png");
        assertThat(PngHeader.read(sixteen).bitDepth()).isEqualTo(16);
        assertThat(PngHeader.read(sixteen).plain()).isFalse();
        assertThat(PngHeader.read(insertAfterIhdr(png, "tEXt", "a\0b".getBytes())).plain()).isTrue();
    }

    @Test
    void colourChunksOutOfPlaceOrRepeatedAreNotPlain() {
        byte[] png = TestImages.png(5, 30);
        byte[] srgb = {0};
        assertThat(PngHeader.read(insertAfterIhdr(png, "sRGB", srgb)).plain()).isTrue();
        // after IDAT (libpng: "sRGB: out of place"), or twice
        int idat = indexOf(png, "IDAT") - 4;
        ByteArrayOutputStream late = new ByteArrayOutputStream();
        late.write(png, 0, idat);
        TestImages.pngChunk(late, "PLTE", new byte[] {1, 2, 3});
        TestImages.pngChunk(late, "sRGB", srgb);
        late.write(png, idat, png.length - idat);
        PngHeader afterPlte = PngHeader.read(late.toByteArray());
        assertThat(afterPlte.intact()).isTrue();
        assertThat(afterPlte.ordered()).isFalse();
        assertThat(PngHeader.read(insertAfterIhdr(insertAfterIhdr(png, "gAMA", new byte[4]), "gAMA", new byte[4]))
                .ordered()).isFalse();
        int iend = indexOf(png, "IEND") - 4;
        ByteArrayOutputStream afterData = new ByteArrayOutputStream();
        afterData.write(png, 0, iend);
        TestImages.pngChunk(afterData, "sRGB", srgb);
        afterData.write(png, iend, png.length - iend);
        PngHeader afterIdat = PngHeader.read(afterData.toByteArray());
        assertThat(afterIdat.intact()).isTrue();
        assertThat(afterIdat.ordered()).as("sRGB after IDAT").isFalse();
    }

    @Test
    void lateTransparencyUnknownCriticalChunksAndSplitImageDataAreNotOrdered() {
        byte[] png = TestImages.png(7, 30);
        assertThat(PngHeader.read(insertAfterIhdr(png, "tRNS", new byte[6])).ordered()).isTrue();
        assertThat(PngHeader.read(insertBeforeIend(png, "tRNS", new byte[6])).ordered()).as("tRNS after IDAT")
                .isFalse();
        byte[] palette = TestImages.encode(new java.awt.image.BufferedImage(8, 8,
                java.awt.image.BufferedImage.TYPE_BYTE_INDEXED), "png");
        assertThat(PngHeader.read(palette).colorType()).isEqualTo(3);
        assertThat(PngHeader.read(insertAfterIhdr(palette, "tRNS", new byte[1])).ordered()).as("tRNS before PLTE")
                .isFalse();
        assertThat(PngHeader.read(insertAfterIhdr(png, "ZZZZ", new byte[2])).ordered()).as("unknown critical")
                .isFalse();
        assertThat(PngHeader.read(insertAfterIhdr(png, "zzZZ", new byte[2])).ordered()).as("unknown ancillary")
                .isTrue();
        // IDAT, tEXt, IDAT: the image data split by another chunk
        byte[] split = insertBeforeIend(insertBeforeIend(png, "tEXt", "a\0b".getBytes()), "IDAT", new byte[0]);
        assertThat(PngHeader.read(split).intact()).isTrue();
        assertThat(PngHeader.read(split).ordered()).isFalse();
        assertThat(PngHeader.read(insertBeforeIend(png, "tEXt", "a\0b".getBytes())).ordered()).isTrue();
    }

    private static byte[] insertBeforeIend(byte[] png, String type, byte[] data) {
        int iend = indexOf(png, "IEND") - 4;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, iend);
        TestImages.pngChunk(out, type, data);
        out.write(png, iend, png.length - iend);
        return out.toByteArray();
    }

    @Test
    void invalidHeadersAndPalettesImageIoWouldPadDifferentlyAreNotPlain() {
        byte[] png = TestImages.png(6, 30);
        assertThat(PngHeader.read(png).validHeader()).isTrue();
        byte[] depth3 = png.clone();
        depth3[24] = 3; // no colour type allows 3 bits
        assertThat(PngHeader.read(fixIhdrCrc(depth3)).validHeader()).isFalse();
        byte[] interlace2 = png.clone();
        interlace2[28] = 2;
        assertThat(PngHeader.read(fixIhdrCrc(interlace2)).plain()).isFalse();
        // palette images: ImageIO pads the palette with black to 2, 4, 16 or 256 entries, then with the last entry
        assertThat(palette(8, 200).paletteAgrees()).isTrue();
        assertThat(palette(8, 16).paletteAgrees()).isFalse();
        assertThat(palette(4, 10).paletteAgrees()).isTrue();
        assertThat(palette(2, 2).paletteAgrees()).isFalse();
        assertThat(palette(1, 1).paletteAgrees()).isTrue();
        assertThat(palette(8, 0).paletteAgrees()).as("no PLTE").isFalse();
    }

    private static PngHeader palette(int bitDepth, int entries) {
        return new PngHeader(10, 10, bitDepth, 3, true, entries, false, true, true);
    }

    private static byte[] fixIhdrCrc(byte[] png) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(png, 12, 17);
        int c = (int) crc.getValue();
        png[29] = (byte) (c >>> 24);
        png[30] = (byte) (c >>> 16);
        png[31] = (byte) (c >>> 8);
        png[32] = (byte) c;
        return png;
    }

    private static int indexOf(byte[] data, String type) {
        outer:
        for (int i = 0; i + 4 <= data.length; i++) {
            for (int k = 0; k < 4; k++) {
                if (data[i + k] != type.charAt(k)) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError(type + " not found");
    }

    @Test
    void otherBytesAreNoPng() {
        assertThat(PngHeader.read(TestImages.encode(TestImages.blocks(1, 20), "jpg"))).isNull();
        assertThat(PngHeader.read(new byte[10])).isNull();
        byte[] png = TestImages.png(4, 20);
        assertThat(PngHeader.read(Arrays.copyOf(png, 40))).as("no image data").isNull();
    }
}
