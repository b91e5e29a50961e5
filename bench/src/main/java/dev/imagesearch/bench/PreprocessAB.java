package dev.imagesearch.bench;

import dev.imagesearch.image.ImageDecoder;
import java.awt.image.BufferedImage;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Preprocessing of one build of {@code onnx-embedder} against another, in one process: each photo's tensor (the
 * photo decoded at full and at reduced resolution) is made alternately by the two builds' classes, which take
 * turns going first; the first third of the rounds warms up. Fails if the two builds' tensors differ in any bit.
 * A build that has {@code Preprocessing.toPipeline()} runs its {@code Pipeline} directly, as {@code OnnxEmbedder}
 * does. docs/BENCHMARKS.md ("Preprocessing as pipelines") has the commands.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.imagesearch.bench.PreprocessAB OLD NEW PRESET ROUNDS PHOTO...</pre>
 * OLD, NEW: folders of compiled {@code dev.imagesearch.onnx} classes and resources; they are loaded before the
 * copy inside benchmarks.jar.
 */
public final class PreprocessAB {

    private PreprocessAB() {
    }

    public static void main(String[] args) throws Exception {
        String preset = args[2];
        int rounds = Integer.parseInt(args[3]);
        ImageDecoder decoder = new ImageDecoder();
        List<BufferedImage> images = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            Path p = Path.of(args[i]);
            byte[] bytes = Files.readAllBytes(p);
            images.add(decoder.decode(bytes));
            names.add(p.getFileName() + " full");
            images.add(decoder.decode(bytes, 256));
            names.add(p.getFileName() + " reduced");
        }
        Object[] pre = new Object[2];
        Method[] apply = new Method[2];
        int elements = 0;
        for (int k = 0; k < 2; k++) {
            ClassLoader cl = new ChildFirst(Path.of(args[k]).toUri().toURL(), PreprocessAB.class.getClassLoader());
            Class<?> pc = cl.loadClass("dev.imagesearch.onnx.preprocess.Preprocessing");
            Class<? extends Enum> lc = cl.loadClass("dev.imagesearch.onnx.preprocess.Layout").asSubclass(Enum.class);
            @SuppressWarnings("unchecked")
            Object nchw = Enum.valueOf(lc, "NCHW");
            Object p = pc.getMethod("withLayout", lc).invoke(pc.getMethod("preset", String.class).invoke(null, preset),
                    nchw);
            elements = (Integer) pc.getMethod("elementsPerImage").invoke(p);
            try {
                p = pc.getMethod("toPipeline").invoke(p);
            } catch (NoSuchMethodException beforePipelines) {
                // an older build: Preprocessing.apply is what its embedder ran
            }
            pre[k] = p;
            apply[k] = p.getClass().getMethod("apply", BufferedImage.class, FloatBuffer.class);
        }
        FloatBuffer[] out = {FloatBuffer.allocate(elements), FloatBuffer.allocate(elements)};
        double[][] best = new double[2][images.size()];
        double[][] sum = new double[2][images.size()];
        for (double[] b : best) {
            Arrays.fill(b, Double.MAX_VALUE);
        }
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < images.size(); i++) {
                for (int turn = 0; turn < 2; turn++) {
                    int k = (r + turn) % 2;
                    out[k].clear();
                    long t0 = System.nanoTime();
                    apply[k].invoke(pre[k], images.get(i), out[k]);
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (r >= rounds / 3) {
                        best[k][i] = Math.min(best[k][i], ms);
                        sum[k][i] += ms;
                    }
                }
                if (!Arrays.equals(out[0].array(), out[1].array())) {
                    throw new AssertionError("the two builds' tensors differ: " + names.get(i));
                }
            }
        }
        int counted = rounds - rounds / 3;
        System.out.printf("%-38s %9s %9s %9s %9s %7s%n", "photo (" + preset + ", ms)", "old mean", "new mean",
                "old min", "new min", "old/new");
        for (int i = 0; i < images.size(); i++) {
            System.out.printf("%-38s %9.2f %9.2f %9.2f %9.2f %6.2fx%n", names.get(i) + " " + images.get(i).getWidth()
                    + "x" + images.get(i).getHeight(), sum[0][i] / counted, sum[1][i] / counted, best[0][i],
                    best[1][i], sum[0][i] / sum[1][i]);
        }
    }

    /** Loads {@code dev.imagesearch.onnx} classes and resources from its folder before its parent's copy. */
    private static final class ChildFirst extends URLClassLoader {
        ChildFirst(URL folder, ClassLoader parent) {
            super(new URL[] {folder}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (name.startsWith("dev.imagesearch.onnx.")) {
                    Class<?> c = findLoadedClass(name);
                    if (c == null) {
                        c = findClass(name);
                    }
                    if (resolve) {
                        resolveClass(c);
                    }
                    return c;
                }
                return super.loadClass(name, resolve);
            }
        }

        @Override
        public URL getResource(String name) {
            URL own = findResource(name);
            return own != null ? own : super.getResource(name);
        }
    }
}
