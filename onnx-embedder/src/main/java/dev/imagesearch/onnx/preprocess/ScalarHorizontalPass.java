package dev.imagesearch.onnx.preprocess;

/** The plain-Java {@link HorizontalPass}: one output pixel at a time over its own taps. */
final class ScalarHorizontalPass implements HorizontalPass {

    static final ScalarHorizontalPass INSTANCE = new ScalarHorizontalPass();

    private ScalarHorizontalPass() {
    }

    @Override
    public void run(int[] src, int w, int rowFirst, int rows, Taps taps, int[] out) {
        int ow = taps.columns();
        int[] start = taps.start();
        int[][] weights = taps.weights();
        for (int r = 0; r < rows; r++) {
            int in = (rowFirst + r) * w;
            for (int x = 0; x < ow; x++) {
                int s = start[x];
                int[] k = weights[x];
                int sr = PillowResize.HALF;
                int sg = PillowResize.HALF;
                int sb = PillowResize.HALF;
                for (int t = 0; t < k.length; t++) {
                    int p = src[in + s + t];
                    sr += ((p >>> 16) & 0xFF) * k[t];
                    sg += ((p >>> 8) & 0xFF) * k[t];
                    sb += (p & 0xFF) * k[t];
                }
                out[r * ow + x] = (PillowResize.clip8(sr) << 16) | (PillowResize.clip8(sg) << 8)
                        | PillowResize.clip8(sb);
            }
        }
    }
}
