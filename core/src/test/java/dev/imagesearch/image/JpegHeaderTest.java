package dev.imagesearch.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class JpegHeaderTest {

    @Test
    void hasFFFindsA0xFFByteInAnyPositionAndNothingElse() {
        Random rnd = new Random(3);
        for (int i = 0; i < 200_000; i++) {
            long x = rnd.nextLong();
            if (i % 3 == 0) {
                x |= 0xFFL << (8 * rnd.nextInt(8)); // many words with one 0xFF byte somewhere
            } else if (i % 3 == 1) {
                x &= 0x7F7F7F7F7F7F7F7FL ^ (0x80L << (8 * rnd.nextInt(8))); // and many with none
                x |= 0xFEL << (8 * rnd.nextInt(8)) & ~(0x01L << (8 * rnd.nextInt(8)));
            }
            boolean naive = false;
            for (int b = 0; b < 8; b++) {
                naive |= ((x >>> (8 * b)) & 0xFF) == 0xFF;
            }
            assertThat(JpegHeader.hasFF(x)).as("%016x", x).isEqualTo(naive);
        }
        assertThat(JpegHeader.hasFF(0L)).isFalse();
        assertThat(JpegHeader.hasFF(-1L)).isTrue();
        assertThat(JpegHeader.hasFF(0xFEFEFEFEFEFEFEFEL)).isFalse();
        assertThat(JpegHeader.hasFF(0xFF00000000000000L)).isTrue();
        assertThat(JpegHeader.hasFF(0x00000000000000FFL)).isTrue();
    }
}
