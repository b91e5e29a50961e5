package dev.imagesearch.cli;

import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.image.Thumbnails;
import java.nio.file.Path;
import java.util.Base64;

/** Small JPEG thumbnails as {@code data:} URIs, so an HTML report keeps working when it is moved. */
final class ThumbnailUris implements HtmlReport.Thumbnailer {

    /** Longest side of a thumbnail in pixels. */
    static final int MAX_SIDE = 256;

    private final ImageDecoder decoder = new ImageDecoder();

    @Override
    public String dataUri(Path file) throws ImageDecodeException {
        byte[] jpeg = Thumbnails.jpeg(Thumbnails.scale(decoder.decode(file), MAX_SIDE));
        return "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(jpeg);
    }
}
