package dev.imagesearch.onnx.preprocess;

import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.nio.FloatBuffer;
import java.util.Locale;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How an 8-bit RGB image becomes one image of a model's input tensor: resize (and maybe crop) exactly as Pillow
 * and torchvision do, reorder channels, then per channel {@code (pixel * scale - mean[c]) / std[c]}.
 *
 * <p>This is the classic shape of a {@link Pipeline} (resize [+ centre crop], channels, normalize, to-tensor) as
 * one value with a builder; {@link #toPipeline()} gives the pipeline, which does the work, and {@link #id()} is
 * the fingerprint part of both. Pipelines of other shapes exist only as {@link Pipeline}s.
 *
 * <p>Immutable and thread-safe. Build one with {@link #builder()} or take a named {@link #preset(String)}.
 *
 * @param width         tensor width in pixels
 * @param height        tensor height in pixels
 * @param resizeMode    stretch, or shorter side + centre crop
 * @param resizeShorter for {@link ResizeMode#SHORTER_SIDE_CENTER_CROP}: the size of the shorter side before the
 *                      crop (e.g. 256 for a 224 crop); 0 for {@link ResizeMode#STRETCH}
 * @param interpolation resampling filter
 * @param channelOrder  RGB or BGR
 * @param layout        NCHW, NHWC, or AUTO (resolved from the model's input with {@link #withLayout})
 * @param scale         factor applied to the 0..255 pixel value first
 * @param mean          per-channel value subtracted after scaling, in RGB order whatever {@code channelOrder}
 * @param std           per-channel divisor applied last, in RGB order
 */
public record Preprocessing(int width, int height, ResizeMode resizeMode, int resizeShorter,
                            Interpolation interpolation, ChannelOrder channelOrder, Layout layout,
                            double scale, double[] mean, double[] std) {

    public Preprocessing {
        Objects.requireNonNull(resizeMode, "resizeMode");
        Objects.requireNonNull(interpolation, "interpolation");
        Objects.requireNonNull(channelOrder, "channelOrder");
        Objects.requireNonNull(layout, "layout");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("Preprocessing size must be positive, got " + width + "x" + height);
        }
        if (resizeMode == ResizeMode.SHORTER_SIDE_CENTER_CROP) {
            if (resizeShorter < Math.max(width, height)) {
                throw new IllegalArgumentException("resizeShorter " + resizeShorter
                        + " must be at least the crop size " + width + "x" + height);
            }
        } else if (resizeShorter != 0) {
            throw new IllegalArgumentException("resizeShorter is only for SHORTER_SIDE_CENTER_CROP, got "
                    + resizeShorter + " with " + resizeMode);
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be a positive finite number, got " + scale);
        }
        mean = Normalize.checked("mean", mean, false);
        std = Normalize.checked("std", std, true);
    }

    /**
     * A builder. Defaults: 224×224, {@link ResizeMode#STRETCH}, {@link Interpolation#BILINEAR},
     * {@link ChannelOrder#RGB}, {@link Layout#AUTO}, scale 1, mean 0, std 1 (pixel values 0..255 unchanged).
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this spec's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.width = width;
        b.height = height;
        b.resizeMode = resizeMode;
        b.resizeShorter = resizeShorter;
        b.interpolation = interpolation;
        b.channelOrder = channelOrder;
        b.layout = layout;
        b.scale = scale;
        b.mean = mean.clone();
        b.std = std.clone();
        return b;
    }

    /**
     * A named preset:
     * <ul>
     * <li>{@code keras-caffe}: 224×224 stretch, nearest, BGR, scale 1, mean [103.939, 116.779, 123.68] (in BGR
     *     order as Keras writes it), std 1 — Keras {@code load_img} + {@code preprocess_input(mode="caffe")}
     * <li>{@code keras-torch}: 224×224 stretch, nearest, RGB, /255, torchvision mean/std
     * <li>{@code keras-tf}: 224×224 stretch, nearest, RGB, {@code x / 127.5 - 1}
     * <li>{@code torchvision-imagenet}: shorter side 256 bilinear, centre crop 224, RGB, /255, mean
     *     [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225]
     * <li>{@code efficientnet-lite}: shorter side 256 bilinear, centre crop 224, RGB, {@code (x - 127) / 128}
     * <li>{@code efficientnet-lite1}, {@code efficientnet-lite2}: the same at the larger models' input sizes, centre
     *     crop 240 of shorter side 272 and 260 of 292 (crop + 32, the TF EfficientNet crop padding, as 256 for 224)
     * <li>{@code nsfwjs}: 224×224 stretch, bilinear, RGB, /255
     * <li>{@code nsfwjs-299}: the same at 299×299
     * <li>{@code paddle-cls}: 192 wide × 48 high stretch, bilinear, BGR, {@code (x / 255 - 0.5) / 0.5}
     * </ul>
     * All presets have layout {@link Layout#AUTO}. They are data: {@link Pipeline#preset(String)} reads them from
     * {@code presets.properties}.
     *
     * @throws IllegalArgumentException naming the known presets if {@code name} is not one
     */
    public static Preprocessing preset(String name) {
        Pipeline p = Pipeline.preset(name);
        return from(p).orElseThrow(() -> new IllegalStateException("preset " + name + " is not a classic spec: " + p));
    }

    /** Names accepted by {@link #preset(String)}, sorted (those of {@link Pipeline#presetNames()}). */
    public static Set<String> presetNames() {
        return Pipeline.presetNames();
    }

    /**
     * The classic spec equivalent to {@code pipeline}, if it has one: geometry {@code resize WxH} or
     * {@code resize-shorter S | center-crop WxH} (S at least the crop), then channels, normalize, to-tensor.
     */
    public static Optional<Preprocessing> from(Pipeline pipeline) {
        List<Transform> geo = pipeline.geometry();
        Builder b = builder().channelOrder(pipeline.channelOrder()).layout(pipeline.layout());
        Normalize n = pipeline.normalize();
        b.scale(n.scale()).mean(n.mean()).std(n.std());
        if (geo.size() == 1 && geo.get(0) instanceof Resize r) {
            b.size(r.width(), r.height()).stretch().interpolation(r.interpolation());
        } else if (geo.size() == 2 && geo.get(0) instanceof ResizeShorter r && geo.get(1) instanceof CenterCrop c
                && r.size() >= Math.max(c.width(), c.height())) {
            b.size(c.width(), c.height()).centerCrop(r.size()).interpolation(r.interpolation());
        } else {
            return Optional.empty();
        }
        return Optional.of(b.build());
    }

    /** This spec as a pipeline of transforms: resize (and crop), channels, normalize, to-tensor. */
    public Pipeline toPipeline() {
        List<Transform> steps = new java.util.ArrayList<>();
        if (resizeMode == ResizeMode.STRETCH) {
            steps.add(new Resize(width, height, interpolation));
        } else {
            steps.add(new ResizeShorter(resizeShorter, interpolation));
            steps.add(new CenterCrop(width, height));
        }
        steps.add(new Channels(channelOrder));
        steps.add(new Normalize(scale, mean, std));
        steps.add(new ToTensor(layout));
        return new Pipeline(steps);
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    /** This spec with another layout (how the embedder resolves {@link Layout#AUTO} from the model). */
    public Preprocessing withLayout(Layout newLayout) {
        return newLayout == layout ? this : toBuilder().layout(newLayout).build();
    }

    /** Number of floats one image takes in the tensor: {@code 3 * width * height}. */
    public int elementsPerImage() {
        return 3 * width * height;
    }

    /**
     * A stable string that identifies this spec: equal specs have equal ids, and any change to a field changes
     * it. Embedders put it into their fingerprint.
     */
    public String id() {
        StringBuilder s = new StringBuilder("pre1:").append(width).append('x').append(height).append(';');
        if (resizeMode == ResizeMode.SHORTER_SIDE_CENTER_CROP) {
            s.append("short").append(resizeShorter).append("+crop;");
        } else {
            s.append("stretch;");
        }
        s.append(interpolation.name().toLowerCase(Locale.ROOT)).append(';')
                .append(channelOrder.name().toLowerCase(Locale.ROOT)).append(';')
                .append(layout.name().toLowerCase(Locale.ROOT)).append(";scale=").append(num(scale))
                .append(";mean=").append(num(mean[0])).append(',').append(num(mean[1])).append(',').append(num(mean[2]))
                .append(";std=").append(num(std[0])).append(',').append(num(std[1])).append(',').append(num(std[2]));
        return s.toString();
    }

    private static String num(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /**
     * Writes one image's tensor ({@link #elementsPerImage()} floats) at {@code dst}'s position, in this spec's
     * layout, and advances the position past it. Any image type is accepted; non-{@code TYPE_INT_RGB} images are
     * converted with {@link RgbImages#toRgb} (alpha dropped, gray copied to the three channels).
     *
     * @throws IllegalStateException    if the layout is still {@link Layout#AUTO}
     * @throws java.nio.BufferOverflowException if {@code dst} has fewer than {@link #elementsPerImage()} floats left
     */
    public void apply(BufferedImage rgb, FloatBuffer dst) {
        toPipeline().apply(rgb, dst);
    }

    /** The resized (and cropped) pixels as packed 0xRRGGBB, {@code width * height} of them, row by row. */
    int[] resized(BufferedImage rgb) {
        return toPipeline().pixels(rgb);
    }

    /** torchvision {@code Resize(s)} on a w×h image: {width, height} after the resize. */
    static int[] shorterSideSize(int w, int h, int s) {
        return new ResizeShorter(s, Interpolation.BILINEAR).sizeOf(w, h);
    }

    /** torchvision {@code CenterCrop}: {@code int(round((size - crop) / 2.0))} with round-half-to-even. */
    static int centerCropOffset(int size, int crop) {
        return CenterCrop.offset(size, crop);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p && id().equals(p.id());
    }

    @Override
    public int hashCode() {
        return id().hashCode();
    }

    @Override
    public String toString() {
        return "Preprocessing[" + id() + "]";
    }

    /** Builder for {@link Preprocessing}; see {@link Preprocessing#builder()} for the defaults. */
    public static final class Builder {
        private int width = 224;
        private int height = 224;
        private ResizeMode resizeMode = ResizeMode.STRETCH;
        private int resizeShorter;
        private Interpolation interpolation = Interpolation.BILINEAR;
        private ChannelOrder channelOrder = ChannelOrder.RGB;
        private Layout layout = Layout.AUTO;
        private double scale = 1;
        private double[] mean = {0, 0, 0};
        private double[] std = {1, 1, 1};

        private Builder() {
        }

        /** Tensor width and height. */
        public Builder size(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        /** {@link ResizeMode#STRETCH} to the tensor size. */
        public Builder stretch() {
            this.resizeMode = ResizeMode.STRETCH;
            this.resizeShorter = 0;
            return this;
        }

        /** {@link ResizeMode#SHORTER_SIDE_CENTER_CROP}: shorter side to {@code shorter}, then crop the tensor size. */
        public Builder centerCrop(int shorter) {
            this.resizeMode = ResizeMode.SHORTER_SIDE_CENTER_CROP;
            this.resizeShorter = shorter;
            return this;
        }

        public Builder interpolation(Interpolation interpolation) {
            this.interpolation = interpolation;
            return this;
        }

        public Builder channelOrder(ChannelOrder channelOrder) {
            this.channelOrder = channelOrder;
            return this;
        }

        public Builder layout(Layout layout) {
            this.layout = layout;
            return this;
        }

        /** Factor applied to 0..255 first, e.g. {@code 1 / 255.0}. */
        public Builder scale(double scale) {
            this.scale = scale;
            return this;
        }

        /** Per-channel mean in R, G, B order (subtracted after scaling). */
        public Builder mean(double... rgb) {
            this.mean = rgb.clone();
            return this;
        }

        /** Per-channel standard deviation in R, G, B order (the last divisor). */
        public Builder std(double... rgb) {
            this.std = rgb.clone();
            return this;
        }

        public Preprocessing build() {
            return new Preprocessing(width, height, resizeMode, resizeShorter, interpolation, channelOrder, layout,
                    scale, mean, std);
        }
    }
}
