package dev.imagesearch.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Mismatch messages for fingerprints as OnnxEmbedder and ImageSearch write them (about 250 characters). */
class FingerprintDifferenceTest {

    private static final String LITE0 = "efficientnet-lite0@sha256:"
            + "5da2b0492f7377a4b4ff94e8ab08fe2fe2c39f9521f22fbecc9fd87390cf1310;output=features;pooling=none;l2=true;"
            + "pre1:224x224;short256+crop;bilinear;rgb;nchw;scale=1;mean=127,127,127;std=128,128,128";

    private static String message(String existing, String requested) {
        return CollectionMismatchException.of("efficientnet-lite0", CollectionMismatchException.FINGERPRINT,
                "'" + existing + "'", "'" + requested + "'").getMessage();
    }

    @Test
    void onlyTheDecodingDiffers() {
        String m = message(LITE0 + ";decode=reduced", LITE0);
        assertThat(m).isEqualTo("Collection 'efficientnet-lite0' was built with reduced JPEG decoding (ImageIO); "
                + "this builder uses full decoding (ImageIO): call reducedDecoding(true) on the builder, or rebuild "
                + "the index (index into another data directory or collection name, or remove this collection) "
                + "[fingerprint part 'decode=reduced' vs (none)]");
    }

    @Test
    void theJpegDecoderDiffers() {
        String m = message(LITE0 + ";decode=reduced+jpeg=opencv", LITE0 + ";decode=reduced");
        assertThat(m).contains("was built with reduced JPEG decoding with the 'opencv' JPEG decoder; this builder "
                + "uses reduced JPEG decoding (ImageIO): call jpegDecoder(...) with the 'opencv' decoder "
                + "(OpenCvJpegDecoder.load()) on the builder");
        assertThat(message(LITE0 + ";decode=reduced", LITE0 + ";decode=jpeg=opencv"))
                .contains("call reducedDecoding(true) and jpegDecoder(null) on the builder");
    }

    @Test
    void anotherVersionOfTheModelFile() {
        String other = LITE0.replace("5da2b0492f73", "0123456789ab");
        assertThat(message(LITE0 + ";decode=reduced", other + ";decode=reduced")).startsWith(
                "Collection 'efficientnet-lite0' was built with another version of model 'efficientnet-lite0' "
                        + "(model file sha256:5da2b0492f73…; this one is sha256:0123456789ab…): load that model");
    }

    @Test
    void otherPreprocessingOfTheSameModel() {
        String other = LITE0.replace("short256+crop", "stretch").replace("pooling=none", "pooling=avg");
        assertThat(message(LITE0, other)).contains("was built with the same model but other settings (index "
                + "pooling=none vs pooling=avg; short256+crop vs stretch requested): load the model with the "
                + "settings the index was built with, or rebuild the index");
    }
}
