package dev.imagesearch.onnx.preprocess;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads the text form of a {@link Pipeline} (see {@link Pipeline#parse}). */
final class PipelineText {

    static final String STEPS = "resize WxH nearest|bilinear, resize-shorter N nearest|bilinear, center-crop WxH, "
            + "channels rgb|bgr, normalize scale=S mean=R,G,B std=R,G,B, to-tensor nchw|nhwc|auto";

    private PipelineText() {
    }

    static Pipeline parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty pipeline; steps are: " + STEPS);
        }
        List<Transform> steps = new ArrayList<>();
        for (String part : text.split("\\|")) {
            String[] words = part.trim().split("\\s+");
            try {
                steps.add(step(words));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("bad pipeline step '" + part.trim() + "': " + e.getMessage()
                        + " (steps: " + STEPS + ")", e);
            }
        }
        return new Pipeline(steps);
    }

    private static Transform step(String[] w) {
        String name = w[0].toLowerCase(Locale.ROOT);
        String[] args = Arrays.copyOfRange(w, 1, w.length);
        return switch (name) {
            case "resize" -> {
                arity(args, 2);
                int[] size = size(args[0]);
                yield new Resize(size[0], size[1], enumOf(Interpolation.class, args[1]));
            }
            case "resize-shorter" -> {
                arity(args, 2);
                yield new ResizeShorter(Integer.parseInt(args[0]), enumOf(Interpolation.class, args[1]));
            }
            case "center-crop" -> {
                arity(args, 1);
                int[] size = size(args[0]);
                yield new CenterCrop(size[0], size[1]);
            }
            case "channels" -> {
                arity(args, 1);
                yield new Channels(enumOf(ChannelOrder.class, args[0]));
            }
            case "to-tensor" -> {
                arity(args, 1);
                yield new ToTensor(enumOf(Layout.class, args[0]));
            }
            case "normalize" -> normalize(args);
            default -> throw new IllegalArgumentException("unknown step '" + w[0] + "'");
        };
    }

    private static Normalize normalize(String[] args) {
        Map<String, String> kv = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0 || kv.put(a.substring(0, eq), a.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("expected scale=, mean= and std= once each, got '" + a + "'");
            }
        }
        if (!kv.keySet().equals(java.util.Set.of("scale", "mean", "std"))) {
            throw new IllegalArgumentException("expected scale=, mean= and std=, got " + kv.keySet());
        }
        return new Normalize(number(kv.get("scale")), triple(kv.get("mean")), triple(kv.get("std")));
    }

    private static double[] triple(String s) {
        String[] parts = s.split(",", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("expected three numbers R,G,B, got '" + s + "'");
        }
        return new double[] {number(parts[0]), number(parts[1]), number(parts[2])};
    }

    /** A decimal number or a fraction {@code a/b}, computed as {@code a / b} in double. */
    private static double number(String s) {
        int slash = s.indexOf('/');
        return slash < 0 ? Double.parseDouble(s)
                : Double.parseDouble(s.substring(0, slash)) / Double.parseDouble(s.substring(slash + 1));
    }

    private static int[] size(String s) {
        String[] wh = s.toLowerCase(Locale.ROOT).split("x", -1);
        if (wh.length != 2) {
            throw new IllegalArgumentException("expected a size WxH, got '" + s + "'");
        }
        return new int[] {Integer.parseInt(wh[0]), Integer.parseInt(wh[1])};
    }

    private static void arity(String[] args, int n) {
        if (args.length != n) {
            throw new IllegalArgumentException("expected " + n + " argument" + (n == 1 ? "" : "s") + ", got "
                    + args.length);
        }
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String s) {
        try {
            return Enum.valueOf(type, s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + s + "' is not one of "
                    + Arrays.stream(type.getEnumConstants()).map(Pipeline::lower).toList());
        }
    }
}
