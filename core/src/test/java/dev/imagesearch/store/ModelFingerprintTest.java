package dev.imagesearch.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The typed fingerprint reads the strings existing indexes hold, and writes exactly those strings back. */
class ModelFingerprintTest {

    private static final String LITE0 = "efficientnet-lite0@sha256:"
            + "5da2b0492f7377a4b4ff94e8ab08fe2fe2c39f9521f22fbecc9fd87390cf1310;output=features;pooling=none;l2=true;"
            + "pre1:224x224;short256+crop;bilinear;rgb;nchw;scale=1;mean=127,127,127;std=128,128,128";

    @Test
    void storedStringsRoundTrip() {
        for (String stored : new String[] {LITE0, LITE0 + ";decode=reduced", LITE0 + ";decode=reduced+jpeg=opencv",
                LITE0 + ";decode=jpeg=opencv", "pixels", "pixels;decode=reduced"}) {
            ModelFingerprint f = ModelFingerprint.parse(stored);
            assertThat(f.value()).isEqualTo(stored);
            assertThat(ModelFingerprint.of(f.embedder(), f.decoding()).value()).isEqualTo(stored);
        }
    }

    @Test
    void partsAreTyped() {
        ModelFingerprint f = ModelFingerprint.parse(LITE0 + ";decode=reduced+jpeg=opencv");
        assertThat(f.embedder()).isEqualTo(LITE0);
        assertThat(f.modelName()).isEqualTo("efficientnet-lite0");
        assertThat(f.modelHash()).startsWith("sha256:5da2b0492f73");
        assertThat(f.settings()).startsWith("output=features;");
        assertThat(f.decoding()).isEqualTo(DecodingPolicy.of(true, "opencv"));
        assertThat(ModelFingerprint.parse(LITE0).decoding()).isEqualTo(DecodingPolicy.FULL);
        assertThat(DecodingPolicy.of(false, null).suffix()).isEmpty();
        assertThat(DecodingPolicy.of(false, "opencv").suffix()).isEqualTo(";decode=jpeg=opencv");
    }

    @Test
    void mismatchCarriesTheDifferingSetting() {
        CollectionMismatchException decoding = CollectionMismatchException.of("c",
                ModelFingerprint.parse(LITE0 + ";decode=reduced+jpeg=opencv"),
                ModelFingerprint.parse(LITE0 + ";decode=reduced"));
        assertThat(decoding.setting()).contains(CollectionMismatchException.Setting.DECODING);
        assertThat(decoding.existingFingerprint().orElseThrow().decoding().jpegDecoder()).isEqualTo("opencv");
        assertThat(decoding.requestedFingerprint().orElseThrow().decoding().imageIo()).isTrue();
        assertThat(decoding.existing()).contains("'" + LITE0 + ";decode=reduced+jpeg=opencv'");

        assertThat(CollectionMismatchException.of("c", ModelFingerprint.parse(LITE0),
                ModelFingerprint.parse(LITE0.replace("pooling=none", "pooling=avg"))).setting())
                .contains(CollectionMismatchException.Setting.MODEL_SETTINGS);
        assertThat(CollectionMismatchException.of("c", ModelFingerprint.parse(LITE0),
                ModelFingerprint.parse("other@sha256:00")).setting())
                .contains(CollectionMismatchException.Setting.MODEL);
        CollectionMismatchException dim = CollectionMismatchException.of("c", "dimension", 8, 16);
        assertThat(dim.setting()).contains(CollectionMismatchException.Setting.DIMENSION);
        assertThat(dim.getMessage()).contains("dimension 8").contains("16");
        // the string form still works as before, quoted or not
        assertThat(CollectionMismatchException.of("c", CollectionMismatchException.FINGERPRINT,
                "'" + LITE0 + ";decode=reduced'", "'" + LITE0 + "'").setting())
                .contains(CollectionMismatchException.Setting.DECODING);
    }
}
