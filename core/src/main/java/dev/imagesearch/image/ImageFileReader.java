package dev.imagesearch.image;

import dev.imagesearch.files.ImageFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** Reads an image file's bytes within {@link ImageLimits}, with a reason a user can act on when it cannot. */
final class ImageFileReader {

    private ImageFileReader() {
    }

    /** See {@link ImageDecoder#readFile(Path)}. */
    static byte[] read(Path path, ImageLimits limits) throws ImageDecodeException {
        try {
            // Judge by attributes before opening: a FIFO would block the read and a device would never end.
            Optional<String> notRegular = ImageFiles.whyNotRegular(path);
            if (notRegular.isPresent()) {
                throw new ImageDecodeException(notRegular.get());
            }
            // Open first, so that a file we may not read says so (rather than "empty", as special files report 0).
            try (InputStream in = Files.newInputStream(path)) {
                long size = Files.size(path);
                if (size > limits.maxFileBytes()) {
                    throw tooLarge(size, limits);
                }
                byte[] data = in.readNBytes((int) limits.maxFileBytes() + 1);
                if (data.length == 0) {
                    throw new ImageDecodeException("empty file (0 bytes)");
                }
                if (data.length > limits.maxFileBytes()) {
                    throw tooLarge(data.length, limits);
                }
                return data;
            }
        } catch (NoSuchFileException e) {
            throw new ImageDecodeException("file not found", e);
        } catch (AccessDeniedException e) {
            throw new ImageDecodeException("permission denied", e);
        } catch (IOException e) {
            throw new ImageDecodeException("cannot read file: " + ImageFiles.plain(e), e);
        }
    }

    private static ImageDecodeException tooLarge(long size, ImageLimits limits) {
        return new ImageDecodeException("file is " + size + " bytes, above the limit of " + limits.maxFileBytes()
                + " bytes");
    }
}
