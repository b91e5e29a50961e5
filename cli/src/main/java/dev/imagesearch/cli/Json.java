package dev.imagesearch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Pretty-printed JSON for the commands' {@code --format json}. Non-finite numbers are written as {@code null}. */
final class Json {

    private Json() {
    }

    static String write(Object value) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write results as JSON: " + e.getMessage(), e);
        }
    }

    /** {@code v}, or null when it is NaN or infinite (JSON has no such numbers). */
    static Double num(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
