package dev.imagesearch.onnx.preprocess;

/**
 * The horizontal pass of {@link PillowResize}: filters a range of source rows to the output columns, rounding to
 * 8 bits per channel. Implementations give identical pixels; {@link HorizontalPasses#BEST} picks one per JVM.
 */
interface HorizontalPass {

    /**
     * Writes {@code rows × taps.columns()} packed 0xRRGGBB pixels to {@code out}: row {@code r} of the output is
     * source row {@code rowFirst + r} of the {@code w}-pixel-wide {@code src}, filtered by {@code taps}.
     */
    void run(int[] src, int w, int rowFirst, int rows, Taps taps, int[] out);

    /**
     * A filter of one axis laid out for both passes: per output column {@code x}, the source columns
     * {@code start[x] ..< start[x] + weights[x].length}; and the same taps as a table of {@code maxTaps} rows of
     * {@code paddedColumns} (a multiple of 16) entries, tap {@code t} of column {@code x} at
     * {@code t * paddedColumns + x}, where missing taps and padding columns have weight 0 and an in-range index.
     */
    record Taps(int columns, int[] start, int[][] weights, int maxTaps, int paddedColumns, int[] index,
                int[] paddedWeights) {

        /** Pads to a multiple of 16 columns: the widest int vector (AVX-512) fits every block. */
        private static final int BLOCK = 16;

        static Taps of(PillowResize.Coefficients c, int sourceWidth) {
            int columns = c.start().length;
            int maxTaps = 0;
            for (int[] k : c.weights()) {
                maxTaps = Math.max(maxTaps, k.length);
            }
            int padded = (columns + BLOCK - 1) / BLOCK * BLOCK;
            int[] index = new int[maxTaps * padded];
            int[] weights = new int[maxTaps * padded];
            for (int t = 0; t < maxTaps; t++) {
                for (int x = 0; x < columns; x++) {
                    int[] k = c.weights()[x];
                    // a missing tap reads an in-range pixel with weight 0, so every lane loads the same way
                    index[t * padded + x] = Math.min(c.start()[x] + t, sourceWidth - 1);
                    weights[t * padded + x] = t < k.length ? k[t] : 0;
                }
            }
            return new Taps(columns, c.start(), c.weights(), maxTaps, padded, index, weights);
        }
    }
}
