package dev.imagesearch.onnx.preprocess;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The JDK Vector API {@link HorizontalPass}: a block of output columns at a time, each tap a gather of one source
 * pixel per column. The same integer sums as {@link ScalarHorizontalPass} (missing taps add 0), and Pillow's
 * {@code clip8} as {@code clamp(sum >> 22, 0, 255)}, which equals it for every int: so the same pixels.
 * Loaded only when the JVM runs with {@code --add-modules jdk.incubator.vector} ({@link HorizontalPasses}).
 */
final class VectorHorizontalPass implements HorizontalPass {

    private static final VectorSpecies<Integer> SPECIES = IntVector.SPECIES_PREFERRED;

    VectorHorizontalPass() {
        if (16 % SPECIES.length() != 0) {
            throw new IllegalStateException("int vectors of " + SPECIES.length() + " lanes do not tile 16 columns");
        }
    }

    @Override
    public void run(int[] src, int w, int rowFirst, int rows, Taps taps, int[] out) {
        int lanes = SPECIES.length();
        int ow = taps.columns();
        int padded = taps.paddedColumns();
        int maxTaps = taps.maxTaps();
        int[] index = taps.index();
        int[] weights = taps.paddedWeights();
        int[] row = new int[padded];
        for (int r = 0; r < rows; r++) {
            int in = (rowFirst + r) * w;
            for (int x = 0; x < padded; x += lanes) {
                IntVector sr = IntVector.broadcast(SPECIES, PillowResize.HALF);
                IntVector sg = sr;
                IntVector sb = sr;
                for (int t = 0, o = x; t < maxTaps; t++, o += padded) {
                    IntVector p = IntVector.fromArray(SPECIES, src, in, index, o);
                    IntVector k = IntVector.fromArray(SPECIES, weights, o);
                    sr = sr.add(p.lanewise(VectorOperators.LSHR, 16).and(0xFF).mul(k));
                    sg = sg.add(p.lanewise(VectorOperators.LSHR, 8).and(0xFF).mul(k));
                    sb = sb.add(p.and(0xFF).mul(k));
                }
                clip8(sr).lanewise(VectorOperators.LSHL, 16)
                        .or(clip8(sg).lanewise(VectorOperators.LSHL, 8))
                        .or(clip8(sb))
                        .intoArray(row, x);
            }
            System.arraycopy(row, 0, out, r * ow, ow);
        }
    }

    private static IntVector clip8(IntVector sum) {
        return sum.lanewise(VectorOperators.ASHR, PillowResize.PRECISION_BITS).max(0).min(255);
    }
}
