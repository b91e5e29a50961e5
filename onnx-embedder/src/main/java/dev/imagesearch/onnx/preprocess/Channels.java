package dev.imagesearch.onnx.preprocess;

import java.util.Objects;

/** The order of the colour channels in the tensor ({@code channels bgr}); RGB when a pipeline has no such step. */
public record Channels(ChannelOrder order) implements Transform {

    public Channels {
        Objects.requireNonNull(order, "order");
    }

    @Override
    public String describe() {
        return "channels " + Pipeline.lower(order);
    }
}
