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
