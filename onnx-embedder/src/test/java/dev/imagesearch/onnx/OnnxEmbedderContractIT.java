package dev.imagesearch.onnx;

import dev.imagesearch.contract.EmbedderContract;
import dev.imagesearch.embed.Embedder;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.onnx.preprocess.Pipeline;
import dev.imagesearch.testing.TestResources;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared embedder contract on the real provisioned EfficientNet-Lite0 and real photos (JPEG 4:2:0, 4:4:0,
 * progressive, gray PNG, RGB PNG). "Other settings" is the same model file with another preprocessing pipeline.
 */
class OnnxEmbedderContractIT extends EmbedderContract {

    private static final String[] PHOTOS = {"darknet/dog.jpg", "darknet/eagle.jpg", "opencv/squirrel_cls.jpg",
        "skimage/camera.png", "skimage/chelsea.png", "palapeli/panther-chameleon-female.jpg"};

    private static List<BufferedImage> photos;

    @Override
    protected Embedder newEmbedder() {
        return OnnxEmbedder.fromDirectory(TestResources.model("efficientnet-lite0"));
    }

    @Override
    protected Embedder newEmbedderWithOtherSettings() {
        ModelDescriptor d = ModelDescriptor.read(TestResources.model("efficientnet-lite0"));
        return OnnxEmbedder.builder(d.modelFile()).name(d.name()).outputName("features")
                .pipeline(Pipeline.preset("torchvision-imagenet")).build();
    }

    @Override
    protected synchronized List<BufferedImage> images() {
        if (photos == null) {
            ImageDecoder decoder = new ImageDecoder();
            List<BufferedImage> out = new ArrayList<>();
            try {
                for (String p : PHOTOS) {
                    out.add(decoder.decode(TestResources.photo(p)));
                }
            } catch (Exception e) {
                throw new IllegalStateException("Cannot decode the test photos: " + e.getMessage(), e);
            }
            photos = List.copyOf(out);
        }
        return photos;
    }
}
