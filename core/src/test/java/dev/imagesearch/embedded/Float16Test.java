package dev.imagesearch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class Float16Test {

    /** A half's value from its definition, in double: (-1)^s · 2^(e - 15) · (1 + m / 1024), for e in 1..30. */
    private static double reference(int h) {
        int e = (h >> 10) & 0x1F;
        int m = h & 0x3FF;
        double v = e == 0 && m == 0 ? 0 : Math.scalb(1 + m / 1024.0, e - 15);
        return (h & 0x8000) != 0 ? -v : v;
    }

    private static boolean normalOrZero(int h) {
        int e = (h >> 10) & 0x1F;
        return (e >= 1 && e <= 30) || (h & 0x7FFF) == 0;
    }

    @Test
    void everyNormalHalfDecodesToItsValueAndEncodesBackToItself() {
        int checked = 0;
        for (int h = 0; h < 0x10000; h++) {
            if (!normalOrZero(h)) {
                continue;
            }
            float v = Float16.decode((short) h);
            assertThat((double) v).as("half 0x%04x", h).isEqualTo(reference(h));
            assertThat(Float16.decodeScaled((short) h)).isEqualTo(Math.scalb(v, -112));
            assertThat(Float16.encode(v) & 0xFFFF).as("half 0x%04x", h).isEqualTo(h);
            checked++;
        }
        assertThat(checked).isEqualTo(2 * (30 * 1024 + 1));
    }

    @Test
    void encodeRoundsToNearestAndTiesToEven() {
        for (int h = 0x0400; h < 0x7BFF; h++) { // consecutive positive normal halves h, h + 1
            double lo = reference(h);
            double hi = reference(h + 1);
            float mid = (float) ((lo + hi) / 2); // exact: 12 significant bits
            int even = (h & 1) == 0 ? h : h + 1;
            assertThat(Float16.encode(mid) & 0xFFFF).as("midpoint above 0x%04x", h).isEqualTo(even);
            assertThat(Float16.encode(Math.nextDown(mid)) & 0xFFFF).isEqualTo(h);
            assertThat(Float16.encode(Math.nextUp(mid)) & 0xFFFF).isEqualTo(h + 1);
            assertThat(Float16.encode(-Math.nextUp(mid)) & 0xFFFF).isEqualTo(0x8000 | (h + 1));
        }
    }

    @Test
    void randomFloatsLandOnTheNearestHalf() {
        Random rnd = new Random(16);
        for (int i = 0; i < 200_000; i++) {
            float f = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(9) - 4));
            if (Math.abs(f) < Float16.MIN_NORMAL || Math.abs(f) > Float16.MAX) {
                continue;
            }
            double got = Float16.decode(Float16.encode(f));
            double ulp = Math.scalb(1.0, Math.getExponent(got) - 10); // spacing of halves at got
            assertThat(Math.abs(got - f)).as("%s -> %s", f, got).isLessThanOrEqualTo(ulp / 2);
            assertThat(Math.abs(got - f)).isLessThanOrEqualTo(Math.abs(f) * 0x1p-11);
        }
    }

    @Test
    void tinyValuesBecomeSignedZeroAndTheRangeEndsAt65504() {
        assertThat(Float16.encode(0x1p-15f)).isEqualTo((short) 0);
        assertThat(Float16.encode(-1e-7f)).isEqualTo((short) 0x8000);
        assertThat(Float16.encode(Float.MIN_VALUE)).isEqualTo((short) 0);
        assertThat(Float16.decode(Float16.encode(Float16.MIN_NORMAL))).isEqualTo(Float16.MIN_NORMAL);
        assertThat(Float16.decode(Float16.encode(65519.99f))).isEqualTo(65504f);
        assertThat(Float16.decode(Float16.encode(-65504f))).isEqualTo(-65504f);
        assertThat(Float16.fits(65519.99f)).isTrue();
        for (float bad : new float[] {65520f, -65520f, 1e9f, Float.POSITIVE_INFINITY, Float.NaN}) {
            assertThat(Float16.fits(bad)).as("%s", bad).isFalse();
            assertThatThrownBy(() -> Float16.encode(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("does not fit in a float16");
        }
    }
}
