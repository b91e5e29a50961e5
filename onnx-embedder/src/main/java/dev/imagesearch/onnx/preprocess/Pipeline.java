package dev.imagesearch.onnx.preprocess;

import dev.imagesearch.image.RgbImages;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.nio.BufferOverflowException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How an image becomes one image of a model's input tensor, as a list of {@link Transform}s kept apart from the
 * model (in the style of DJL's {@code Pipeline}): geometry steps in any order ({@link Resize},
 * {@link ResizeShorter}, {@link CenterCrop}), then at most one {@link Channels} and one {@link Normalize}, and
 * {@link ToTensor} last. The last geometry step must fix the size: a {@code resize} or a {@code center-crop}.
 *
 * <p>A pipeline is data: {@link #describe()} writes it as text ({@code resize-shorter 256 bilinear |
 * center-crop 224x224 | channels rgb | normalize scale=1 mean=127,127,127 std=128,128,128 | to-tensor auto}) and
 * {@link #parse} reads it back, which is how {@code model.properties} ({@code preprocess.pipeline}) and the named
 * presets ({@link #preset}) describe it. Immutable, thread-safe, equal by value.
 *
 * <p>{@link #id()} goes into model fingerprints: a pipeline that a classic {@link Preprocessing} can express gets
 * that spec's {@code pre1:} id (so indexes built before pipelines existed still open), any other {@code pre2:}
 * followed by its description.
 */
public final class Pipeline {

    private final List<Transform> steps;
    // derived once: apply() runs per image
    private final List<Transform> geometry;
    private final int width;
    private final int height;
    private final ChannelOrder channelOrder;
    private final Normalize normalize;

    /**
     * A pipeline of {@code steps}, in order.
     *
     * @throws IllegalArgumentException if the order is not geometry, then channels/normalize, then to-tensor, or
     *                                  the size is not fixed
     */
    public Pipeline(List<Transform> steps) {
        this.steps = List.copyOf(steps);
        validate(this.steps);
        this.geometry = this.steps.stream().filter(Pipeline::isGeometry).toList();
        Transform last = geometry.get(geometry.size() - 1);
        this.width = last instanceof Resize r ? r.width() : ((CenterCrop) last).width();
        this.height = last instanceof Resize r ? r.height() : ((CenterCrop) last).height();
        this.channelOrder = find(Channels.class).map(Channels::order).orElse(ChannelOrder.RGB);
        this.normalize = find(Normalize.class).orElse(Normalize.IDENTITY);
    }

    /** The transforms, in order. */
    public List<Transform> steps() {
        return steps;
    }

    /** A pipeline of these steps. */
    public static Pipeline of(Transform... steps) {
        return new Pipeline(List.of(steps));
    }

    /**
     * Reads the text form written by {@link #describe()}: steps separated by {@code |}, each a name and its
     * arguments separated by spaces. Numbers may be written as fractions ({@code scale=1/255}).
     *
     * @throws IllegalArgumentException naming the bad step and what was expected
     */
    public static Pipeline parse(String text) {
        return PipelineText.parse(text);
    }

    /**
     * A named preset; the names and their pipelines are data in {@code presets.properties} next to this class
     * (see docs/MODELS.md for the table).
     *
     * @throws IllegalArgumentException naming the known presets if {@code name} is not one
     */
    public static Pipeline preset(String name) {
        return Presets.get(name);
    }

    /** Names accepted by {@link #preset(String)}, sorted. */
    public static Set<String> presetNames() {
        return Presets.names();
    }

    /** The text form, one {@link Transform#describe()} per step joined by {@code " | "}. */
    public String describe() {
        return steps.stream().map(Transform::describe).collect(Collectors.joining(" | "));
    }

    /**
     * A stable string that identifies the tensors this pipeline makes; embedders put it into their fingerprint.
     * The {@link Preprocessing#id()} of the equivalent classic spec when there is one, else {@code pre2:} and
     * {@link #describe()}.
     */
    public String id() {
        return Preprocessing.from(this).map(Preprocessing::id).orElseGet(() -> "pre2:" + describe());
    }

    /** Tensor width: that of the last geometry step. */
    public int width() {
        return width;
    }

    /** Tensor height: that of the last geometry step. */
    public int height() {
        return height;
    }

    /** The layout of the {@link ToTensor} step. */
    public Layout layout() {
        return ((ToTensor) steps.get(steps.size() - 1)).layout();
    }

    /** This pipeline with another layout (how the embedder resolves {@link Layout#AUTO} from the model). */
    public Pipeline withLayout(Layout newLayout) {
        if (newLayout == layout()) {
            return this;
        }
        List<Transform> s = new ArrayList<>(steps);
        s.set(s.size() - 1, new ToTensor(newLayout));
        return new Pipeline(s);
    }

    /** Number of floats one image takes in the tensor: {@code 3 * width * height}. */
    public int elementsPerImage() {
        return 3 * width() * height();
    }

    /** The channel order ({@link ChannelOrder#RGB} without a {@link Channels} step). */
    public ChannelOrder channelOrder() {
        return channelOrder;
    }

    /** The normalisation ({@link Normalize#IDENTITY} without a {@link Normalize} step). */
    public Normalize normalize() {
        return normalize;
    }

    /** The geometry steps, in order. */
    public List<Transform> geometry() {
        return geometry;
    }

    /**
     * The side below which decoding at reduced resolution would change the result: the first resize's target
     * (its larger side for {@link Resize}); 0 (full resolution) when the pipeline crops before it resizes.
     */
    public int minimumInputSide() {
        Transform first = steps.get(0);
        if (first instanceof Resize r) {
            return Math.max(r.width(), r.height());
        }
        return first instanceof ResizeShorter r ? r.size() : 0;
    }

    /**
     * Writes one image's tensor ({@link #elementsPerImage()} floats) at {@code dst}'s position, in this
     * pipeline's layout, and advances the position past it. Any image type is accepted; non-{@code TYPE_INT_RGB}
     * images are converted with {@link RgbImages#toRgb} (alpha dropped, gray copied to the three channels).
     *
     * @throws IllegalStateException    if the layout is still {@link Layout#AUTO}
     * @throws IllegalArgumentException if a {@code center-crop} is larger than the image it gets
     * @throws BufferOverflowException  if {@code dst} has fewer than {@link #elementsPerImage()} floats left
     */
    public void apply(BufferedImage image, FloatBuffer dst) {
        Layout layout = layout();
        if (layout == Layout.AUTO) {
            throw new IllegalStateException("Layout AUTO must be resolved (withLayout) before apply()");
        }
        if (dst.remaining() < elementsPerImage()) {
            throw new BufferOverflowException();
        }
        TensorWriter.write(pixels(RgbImages.toRgb(Objects.requireNonNull(image, "image"))), width * height,
                channelOrder, normalize, layout, dst);
    }

    /** The geometry steps applied to packed 0xRRGGBB pixels: {@code width * height} of them, row by row. */
    int[] pixels(BufferedImage rgb) {
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        int[] px = RgbImages.packedPixels(rgb); // read-only: may be the image's own array
        List<Transform> geo = geometry;
        for (int i = 0; i < geo.size(); i++) {
            Transform t = geo.get(i);
            int dw;
            int dh;
            Interpolation filter;
            if (t instanceof CenterCrop c) {
                px = crop(px, w, h, w, h, Interpolation.NEAREST, c);
                w = c.width();
                h = c.height();
                continue;
            } else if (t instanceof Resize r) {
                dw = r.width();
                dh = r.height();
                filter = r.interpolation();
            } else {
                ResizeShorter r = (ResizeShorter) t;
                int[] size = r.sizeOf(w, h);
                dw = size[0];
                dh = size[1];
                filter = r.interpolation();
            }
            if (i + 1 < geo.size() && geo.get(i + 1) instanceof CenterCrop c) {
                // Resize then crop in one go: only the window is computed (PillowResize), same pixels.
                px = crop(px, w, h, dw, dh, filter, c);
                w = c.width();
                h = c.height();
                i++;
            } else {
                px = PillowResize.resize(px, w, h, dw, dh, filter, 0, 0, dw, dh);
                w = dw;
                h = dh;
            }
        }
        return px;
    }

    /** The centred crop of {@code src} (w×h) resized to dw×dh. */
    private static int[] crop(int[] src, int w, int h, int dw, int dh, Interpolation filter, CenterCrop c) {
        if (c.width() > dw || c.height() > dh) {
            throw new IllegalArgumentException("center-crop " + c.width() + "x" + c.height() + " is larger than the "
                    + dw + "x" + dh + " image it gets (resize first)");
        }
        int left = CenterCrop.offset(dw, c.width());
        int top = CenterCrop.offset(dh, c.height());
        return PillowResize.resize(src, w, h, dw, dh, filter, left, top, c.width(), c.height());
    }

    private <T extends Transform> Optional<T> find(Class<T> type) {
        return steps.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    static boolean isGeometry(Transform t) {
        return t instanceof Resize || t instanceof ResizeShorter || t instanceof CenterCrop;
    }

    private static void validate(List<Transform> steps) {
        if (steps.isEmpty() || !(steps.get(steps.size() - 1) instanceof ToTensor)) {
            throw new IllegalArgumentException("a pipeline must end with to-tensor, got: " + text(steps));
        }
        boolean values = false; // a channels or normalize step was seen
        boolean channels = false;
        boolean normalize = false;
        Transform lastGeometry = null;
        for (int i = 0; i < steps.size() - 1; i++) {
            Transform t = steps.get(i);
            if (t instanceof ToTensor) {
                throw new IllegalArgumentException("to-tensor must be the last step, once: " + text(steps));
            }
            if (isGeometry(t)) {
                if (values) {
                    throw new IllegalArgumentException("resize and crop steps come before channels and normalize: "
                            + text(steps));
                }
                lastGeometry = t;
            } else {
                values = true;
                boolean again = t instanceof Channels ? channels : normalize;
                if (again) {
                    throw new IllegalArgumentException("'" + t.describe().split(" ")[0] + "' appears twice: "
                            + text(steps));
                }
                channels |= t instanceof Channels;
                normalize |= t instanceof Normalize;
            }
        }
        if (lastGeometry == null || lastGeometry instanceof ResizeShorter) {
            throw new IllegalArgumentException("the tensor size is not fixed: the last resize or crop step must be "
                    + "'resize WxH ...' or 'center-crop WxH': " + text(steps));
        }
    }

    private static String text(List<Transform> steps) {
        return steps.stream().map(Transform::describe).collect(Collectors.joining(" | "));
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    static String num(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    static String nums(double[] v) {
        return num(v[0]) + "," + num(v[1]) + "," + num(v[2]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pipeline p && steps.equals(p.steps);
    }

    @Override
    public int hashCode() {
        return steps.hashCode();
    }

    @Override
    public String toString() {
        return "Pipeline[" + describe() + "]";
    }
}
