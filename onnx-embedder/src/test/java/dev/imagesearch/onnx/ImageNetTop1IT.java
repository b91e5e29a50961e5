package dev.imagesearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.testing.TestResources;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * EfficientNet-Lite0 and its INT8 variant (the default model) through OnnxEmbedder.run(image, "logits"): top-1
 * ImageNet class of real photos.
 */
class ImageNetTop1IT {

    @ParameterizedTest(name = "{0}: {1} -> {2}..{3}")
    @CsvSource({
        "efficientnet-lite0, opencv/squirrel_cls.jpg, 335, 335", // fox squirrel
        "efficientnet-lite0, darknet/dog.jpg, 151, 268",         // a dog breed
        "efficientnet-lite0, darknet/eagle.jpg, 21, 22",         // kite (21) or bald eagle (22): a juvenile bald eagle
        "efficientnet-lite0-int8, opencv/squirrel_cls.jpg, 335, 335",
        "efficientnet-lite0-int8, darknet/dog.jpg, 151, 268",
        "efficientnet-lite0-int8, darknet/eagle.jpg, 21, 22",
    })
    void topOneMatches(String model, String photo, int low, int high) throws Exception {
        try (OnnxEmbedder e = OnnxEmbedder.fromDirectory(TestResources.model(model))) {
            float[] logits = e.run(new ImageDecoder().decode(TestResources.photo(photo)), "logits");
            assertThat(logits).hasSize(1000);
            int best = 0;
            for (int i = 1; i < logits.length; i++) {
                if (logits[i] > logits[best]) {
                    best = i;
                }
            }
            List<String> labels = e.descriptor().orElseThrow().readLabels();
            System.out.printf("%s: class %d (%s), logit %.3f%n", photo, best,
                    labels.size() == 1000 ? labels.get(best) : "?", logits[best]);
            assertThat(best).as("top-1 class of %s", photo).isBetween(low, high);
            if (photo.endsWith("eagle.jpg")) { // as scripts/models/verify.py: bald eagle must be in the top 5
                int rank = 0;
                for (float l : logits) {
                    rank += l > logits[22] ? 1 : 0;
                }
                assertThat(rank).as("rank of bald eagle (22)").isLessThan(5);
            }
        }
    }
}
