package dev.imagesearch.store;

import java.util.ArrayList;
import java.util.List;

/**
 * Says in words which part of two collection fingerprints differs and what to do, instead of quoting both (they
 * run to hundreds of characters and differ, typically, only at the end). A fingerprint is
 * {@code MODEL[;SETTING...][;decode=POLICY]}: the embedder's identity (for ONNX models
 * {@code name@sha256:HEX;output=..;pooling=..;l2=..;pre1:...}), then the decoding policy that
 * {@code ImageSearch.decodingPolicy} appends.
 */
final class FingerprintDifference {

    private static final String DECODE = ";decode=";
    private static final String REBUILD = "or rebuild the index (index into another data directory or collection "
            + "name, or remove this collection)";

    private FingerprintDifference() {
    }

    /** One sentence: what the collection was built with, what is requested, and how to fix it. */
    static String explain(String collection, String existing, String requested) {
        Parts was = Parts.of(existing);
        Parts now = Parts.of(requested);
        String start = "Collection '" + collection + "' ";
        if (!was.model.equals(now.model)) {
            return start + modelDifference(was, now);
        }
        if (!was.settings.equals(now.settings)) {
            return start + "was built with the same model but other settings (" + settingsDifference(was, now)
                    + "): load the model with the settings the index was built with, " + REBUILD;
        }
        if (!was.decode.equals(now.decode)) {
            return start + "was built with " + describeDecoding(was.decode) + "; this builder uses "
                    + describeDecoding(now.decode) + ": " + decodingFix(was.decode, now.decode) + ", " + REBUILD
                    + " [fingerprint part " + quote(was.decode, "decode=") + " vs " + quote(now.decode, "decode=")
                    + "]";
        }
        return start + "holds vectors with model fingerprint '" + existing + "' but '" + requested
                + "' was requested; " + REBUILD;
    }

    private static String modelDifference(Parts was, Parts now) {
        String fix = ": load that model to search this index, " + REBUILD;
        if (was.name.equals(now.name)) {
            return "was built with another version of model '" + was.name + "' (model file " + was.hash
                    + "; this one is " + now.hash + ")" + fix;
        }
        return "was built with model '" + was.model + "'; this builder uses model '" + now.model + "'" + fix;
    }

    /** The settings that differ, position by position: {@code output=a vs output=b; ...}. */
    private static String settingsDifference(Parts was, Parts now) {
        String[] a = was.settings.split(";", -1);
        String[] b = now.settings.split(";", -1);
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

    private static String describeDecoding(String policy) {
        boolean reduced = policy.startsWith("reduced");
        String jpeg = jpegDecoder(policy);
        String size = reduced ? "reduced JPEG decoding" : "full decoding";
        return jpeg.isEmpty() ? size + " (ImageIO)" : size + " with the '" + jpeg + "' JPEG decoder";
    }

    private static String decodingFix(String was, String now) {
        List<String> calls = new ArrayList<>();
        boolean reduced = was.startsWith("reduced");
        if (reduced != now.startsWith("reduced")) {
            calls.add("reducedDecoding(" + reduced + ")");
        }
        String jpeg = jpegDecoder(was);
        if (!jpeg.equals(jpegDecoder(now))) {
            calls.add(jpeg.isEmpty() ? "jpegDecoder(null)" : "jpegDecoder(...) with the '" + jpeg + "' decoder"
                    + ("opencv".equals(jpeg) ? " (OpenCvJpegDecoder.load())" : ""));
        }
        return "call " + String.join(" and ", calls) + " on the builder";
    }

    private static String jpegDecoder(String policy) {
        int i = policy.indexOf("jpeg=");
        return i < 0 ? "" : policy.substring(i + "jpeg=".length());
    }

    private static String quote(String policy, String key) {
        return policy.isEmpty() ? "(none)" : "'" + key + policy + "'";
    }

    /** A fingerprint cut into model identity, other settings and decoding policy (each possibly empty). */
    private record Parts(String model, String name, String hash, String settings, String decode) {
        static Parts of(String fingerprint) {
            String f = fingerprint.length() >= 2 && fingerprint.startsWith("'") && fingerprint.endsWith("'")
                    ? fingerprint.substring(1, fingerprint.length() - 1) : fingerprint;
            String decode = "";
            int d = f.lastIndexOf(DECODE);
            if (d >= 0) {
                decode = f.substring(d + DECODE.length());
                f = f.substring(0, d);
            }
            int semi = f.indexOf(';');
            String model = semi < 0 ? f : f.substring(0, semi);
            String settings = semi < 0 ? "" : f.substring(semi + 1);
            int at = model.indexOf('@');
            String name = at < 0 ? model : model.substring(0, at);
            String hash = at < 0 ? "" : shorten(model.substring(at + 1));
            return new Parts(model, name, hash, settings, decode);
        }

        /** {@code sha256:0123456789ab…}: enough to tell two files apart in a message. */
        private static String shorten(String hash) {
            int colon = hash.indexOf(':');
            return hash.length() > colon + 13 ? hash.substring(0, colon + 13) + "…" : hash;
        }
    }
}
