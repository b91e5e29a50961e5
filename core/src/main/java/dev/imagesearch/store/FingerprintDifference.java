package dev.imagesearch.store;

import java.util.ArrayList;
import java.util.List;

/**
 * Says in words which part of two collection fingerprints differs and what to do, instead of quoting both (they
 * run to hundreds of characters and differ, typically, only at the end). The parts come from
 * {@link ModelFingerprint}: model identity, model settings, {@link DecodingPolicy}.
 */
final class FingerprintDifference {

    private static final String REBUILD = "or rebuild the index (index into another data directory or collection "
            + "name, or remove this collection)";

    private FingerprintDifference() {
    }

    /** One sentence: what the collection was built with, what is requested, and how to fix it. */
    static String explain(String collection, ModelFingerprint was, ModelFingerprint now) {
        String start = "Collection '" + collection + "' ";
        if (!was.modelIdentity().equals(now.modelIdentity())) {
            return start + modelDifference(was, now);
        }
        if (!was.settings().equals(now.settings())) {
            return start + "was built with the same model but other settings (" + settingsDifference(was, now)
                    + "): load the model with the settings the index was built with, " + REBUILD;
        }
        DecodingPolicy a = was.decoding();
        DecodingPolicy b = now.decoding();
        if (!a.equals(b)) {
            return start + "was built with " + a.describe() + "; this builder uses " + b.describe() + ": "
                    + decodingFix(a, b) + ", " + REBUILD + " [fingerprint part " + quote(a) + " vs " + quote(b)
                    + "]";
        }
        return start + "holds vectors with model fingerprint '" + was.value() + "' but '" + now.value()
                + "' was requested; " + REBUILD;
    }

    private static String modelDifference(ModelFingerprint was, ModelFingerprint now) {
        String fix = ": load that model to search this index, " + REBUILD;
        if (was.modelName().equals(now.modelName())) {
            return "was built with another version of model '" + was.modelName() + "' (model file "
                    + shorten(was.modelHash()) + "; this one is " + shorten(now.modelHash()) + ")" + fix;
        }
        return "was built with model '" + was.modelIdentity() + "'; this builder uses model '" + now.modelIdentity()
                + "'" + fix;
    }

    /** The settings that differ, position by position: {@code output=a vs output=b; ...}. */
    private static String settingsDifference(ModelFingerprint was, ModelFingerprint now) {
        String[] a = was.settings().split(";", -1);
        String[] b = now.settings().split(";", -1);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i] : "";
            String y = i < b.length ? b[i] : "";
            if (!x.equals(y)) {
                out.add((x.isEmpty() ? "(none)" : x) + " vs " + (y.isEmpty() ? "(none)" : y));
            }
        }
        return "index " + String.join("; ", out) + " requested";
    }

    private static String decodingFix(DecodingPolicy was, DecodingPolicy now) {
        List<String> calls = new ArrayList<>();
        if (was.reduced() != now.reduced()) {
            calls.add("reducedDecoding(" + was.reduced() + ")");
        }
        String jpeg = was.jpegDecoder();
        if (!jpeg.equals(now.jpegDecoder())) {
            calls.add(jpeg.isEmpty() ? "jpegDecoder(null)" : "jpegDecoder(...) with the '" + jpeg + "' decoder"
                    + ("opencv".equals(jpeg) ? " (OpenCvJpegDecoder.load())" : ""));
        }
        return "call " + String.join(" and ", calls) + " on the builder";
    }

    private static String quote(DecodingPolicy policy) {
        return policy.value().isEmpty() ? "(none)" : "'decode=" + policy.value() + "'";
    }

    /** {@code sha256:0123456789ab…}: enough to tell two files apart in a message. */
    private static String shorten(String hash) {
        int colon = hash.indexOf(':');
        return hash.length() > colon + 13 ? hash.substring(0, colon + 13) + "…" : hash;
    }
}
