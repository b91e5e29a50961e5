package dev.imagesearch.onnx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes tiny ONNX models for unit tests, encoding the protobuf by hand (no Python, no ONNX library): one input
 * {@code x}, an {@code Identity} output {@code map} (same shape as the input) and a {@code Flatten} output
 * {@code flat} ([N, rest]). Dimensions below 0 are dynamic.
 */
final class TinyOnnx {

    static final int FLOAT = 1;
    static final int INT64 = 7;

    private TinyOnnx() {
    }

    static Path write(Path file, int elemType, long... inputShape) throws IOException {
        Bytes graph = new Bytes()
                .message(1, node("x", "map", "Identity"))
                .message(1, node("x", "flat", "Flatten"))
                .string(2, "tiny")
                .message(11, valueInfo("x", elemType, inputShape))
                .message(12, valueInfo("map", elemType, inputShape))
                .message(12, valueInfo("flat", elemType, -1, -1));
        Bytes model = new Bytes()
                .varint(1, 8) // ir_version
                .string(2, "imagesearch-tests")
                .message(7, graph)
                .message(8, new Bytes().string(1, "").varint(2, 13)); // opset 13
        Files.write(file, model.toByteArray());
        return file;
    }

    private static Bytes node(String in, String out, String op) {
        return new Bytes().string(1, in).string(2, out).string(3, op + "_" + out).string(4, op);
    }

    private static Bytes valueInfo(String name, int elemType, long... shape) {
        Bytes dims = new Bytes();
        for (long d : shape) {
            dims.message(1, d >= 0 ? new Bytes().varint(1, d) : new Bytes().string(2, "d" + (-d)));
        }
        Bytes tensor = new Bytes().varint(1, elemType).message(2, dims);
        return new Bytes().string(1, name).message(2, new Bytes().message(1, tensor));
    }

    /** Minimal protobuf writer. */
    private static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes varint(int field, long value) {
            raw((long) field << 3);
            raw(value);
            return this;
        }

        Bytes string(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Bytes message(int field, Bytes m) {
            return bytes(field, m.toByteArray());
        }

        private Bytes bytes(int field, byte[] b) {
            raw(((long) field << 3) | 2);
            raw(b.length);
            out.writeBytes(b);
            return this;
        }

        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
