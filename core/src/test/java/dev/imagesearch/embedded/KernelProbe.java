package dev.imagesearch.embedded;

import java.util.Random;

/**
 * Child JVM of {@link DotKernelTest}: prints {@code kernel NAME} for {@link DotKernel#best()}, then {@code HALVES OK}
 * if its half-precision methods agree with the scalar kernel's on random data, else {@code MISMATCH ...}.
 */
final class KernelProbe {

    private KernelProbe() {
    }

    public static void main(String[] args) {
        DotKernel best = DotKernel.best();
        System.out.println("kernel " + best.name());
        Random rnd = new Random(1);
        for (int dim : new int[] {1, 17, 1280}) {
            short[] rows = new short[5 * dim];
            float[] q = new float[dim];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = Float16.encode((float) rnd.nextGaussian());
            }
            for (int i = 0; i < dim; i++) {
                q[i] = (float) rnd.nextGaussian();
            }
            float[] got = new float[5];
            float[] want = new float[5];
            best.dotsHalf(rows, dim, 0, 5, q, got);
            DotKernel.scalar().dotsHalf(rows, dim, 0, 5, q, want);
            float[] decoded = new float[rows.length];
            best.decodeHalf(rows, 0, decoded, 0, rows.length);
            double tolerance = 1e-4 * Math.sqrt(dim) * 0x1p-112; // dotsHalf scores the halves times 2^-112
            for (int r = 0; r < 5; r++) {
                if (Math.abs(got[r] - want[r]) > tolerance) {
                    System.out.println("MISMATCH dim " + dim + " row " + r + ": " + got[r] + " vs " + want[r]);
                    return;
                }
            }
            for (int i = 0; i < rows.length; i++) {
                if (decoded[i] != Float16.decode(rows[i])) {
                    System.out.println("MISMATCH dim " + dim + " element " + i);
                    return;
                }
            }
        }
        System.out.println("HALVES OK");
    }
}
