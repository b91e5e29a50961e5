package dev.imagesearch.embedded;

/**
 * IEEE 754 half precision ({@code binary16}) for the embedded store's {@link EmbeddedVectorStore.Precision#FLOAT16}
 * mode: 1 sign bit, 5 exponent bits, 10 mantissa bits; normal magnitudes from {@value #MIN_NORMAL} to
 * {@value #MAX}, a relative rounding error of at most 2<sup>-11</sup> (about 0.05 %).
 *
 * <p>Two deliberate simplifications, because the values are embedding elements: magnitudes below the smallest
 * normal half ({@value #MIN_NORMAL}) are stored as zero (no subnormals, so decoding never meets a slow subnormal
 * float either), and values that do not fit are refused by the caller rather than stored as infinity.
 *
 * <p>Decoding is a shift and a mask: {@code (h << 13) & 0x8FFFE000}, read as a float, is the half's value times
 * 2<sup>-112</sup> (the exponents' bias differs by 112), exactly, for every half this class produces. The search
 * kernels use that form and scale once per score instead of once per element.
 */
final class Float16 {

    /** The largest finite half: 65504. */
    static final float MAX = 65504f;
    /** The smallest normal half, 2<sup>-14</sup>; anything smaller in magnitude is stored as zero. */
    static final float MIN_NORMAL = 0x1p-14f;
    /** {@link #decodeScaled} values are the halves' values times 2<sup>-112</sup>. */
    static final int DECODE_EXPONENT = -112;
    static final int DECODE_MASK = 0x8FFFE000;

    /** The first float that no longer rounds to a finite half (65520). */
    private static final int OVERFLOW_BITS = 0x477FF000;
    private static final int MIN_NORMAL_BITS = 0x38800000;
    /** 112 << 23: rebiases a float's exponent field to a half's. */
    private static final int REBIAS = 0x38000000;

    private Float16() {
    }

    /** Whether {@code f} is finite and rounds to a finite half (|f| &lt; 65520). */
    static boolean fits(float f) {
        return (Float.floatToRawIntBits(f) & 0x7FFFFFFF) < OVERFLOW_BITS;
    }

    /**
     * The half nearest to {@code f} (ties to even), or a signed zero if {@code |f| < 2^-14}.
     *
     * @throws IllegalArgumentException if {@code f} does not {@link #fits fit} (NaN, infinite, |f| ≥ 65520)
     */
    static short encode(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFFFFFF;
        if (abs >= OVERFLOW_BITS) {
            throw new IllegalArgumentException("value " + f + " does not fit in a float16 (|x| <= " + MAX + ")");
        }
        if (abs < MIN_NORMAL_BITS) {
            return (short) sign;
        }
        int m = abs - REBIAS; // now a half's exponent and 23 mantissa bits
        m += 0x0FFF + ((m >>> 13) & 1); // round the 13 dropped bits to nearest, ties to even; a carry is correct
        return (short) (sign | (m >>> 13));
    }

    /** The value of a half made by {@link #encode}. */
    static float decode(short h) {
        return decodeScaled(h) * 0x1p112f; // exact: a power of two, and the result is a normal float
    }

    /** The value of a half made by {@link #encode}, times 2<sup>-112</sup>: a shift and a mask. */
    static float decodeScaled(short h) {
        return Float.intBitsToFloat((h << 13) & DECODE_MASK);
    }
}
