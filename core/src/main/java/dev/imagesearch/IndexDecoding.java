package dev.imagesearch;

import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.search.IndexedModel;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/**
 * How an index decodes, for indexed files and queries alike (so that an indexed file finds itself with score 1):
 * its {@link ImageDecoder} and the smallest side reduced decoding must keep (0: full resolution).
 */
record IndexDecoding(ImageDecoder decoder, int minSide) {

    /**
     * The decoding of the settings: their limits and decoders; with reduced decoding, the largest
     * {@code minimumInputSide()} of the models as the side to keep.
     */
    static IndexDecoding of(ImageSearchSettings<?> b, List<IndexedModel> models) {
        ImageDecoder decoder = ImageDecoder.builder().limits(b.limits).scaledJpegDecoder(b.jpegDecoder)
                .pngDecoder(b.pngDecoder).build();
        int minSide = b.reducedDecoding
                ? models.stream().mapToInt(m -> m.embedder().minimumInputSide()).max().orElse(0) : 0;
        return new IndexDecoding(decoder, minSide);
    }

    /** Reads a file within the size limits. */
    byte[] readFile(Path file) throws ImageDecodeException {
        return decoder.readFile(file);
    }

    /** Decodes encoded bytes to {@code TYPE_INT_RGB}. */
    BufferedImage decode(byte[] image) throws ImageDecodeException {
        return decoder.decode(image, minSide);
    }

    /** Reads and decodes a file; the message of a failure starts with its path. */
    BufferedImage decode(Path file) throws ImageDecodeException {
        try {
            return decode(readFile(file));
        } catch (ImageDecodeException e) {
            throw new ImageDecodeException(withPath(file, e.getMessage()), e);
        }
    }

    /** {@code path: message}, unless the message names the path already. */
    static String withPath(Path path, String message) {
        return message != null && message.contains(path.toString()) ? message : path + ": " + message;
    }
}
