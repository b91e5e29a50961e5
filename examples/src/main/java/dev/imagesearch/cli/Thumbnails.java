package dev.imagesearch.cli;

import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.image.ImageDecoder;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Small JPEG thumbnails as {@code data:} URIs, so an HTML report keeps working when it is moved. */
final class Thumbnails implements HtmlReport.Thumbnailer {

    /** Longest side of a thumbnail in pixels. */
    static final int MAX_SIDE = 256;
    private static final float QUALITY = 0.85f;

    private final ImageDecoder decoder = new ImageDecoder();

    @Override
    public String dataUri(Path file) throws ImageDecodeException {
        BufferedImage image = scale(decoder.decode(file), MAX_SIDE);
        return "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(jpeg(image));
    }

    /** Scales down so that the longer side is at most {@code maxSide}, halving first for a smooth result. */
    static BufferedImage scale(BufferedImage src, int maxSide) {
        int w = src.getWidth();
        int h = src.getHeight();
        double f = Math.min(1.0, (double) maxSide / Math.max(w, h));
        int tw = Math.max(1, (int) Math.round(w * f));
        int th = Math.max(1, (int) Math.round(h * f));
        BufferedImage current = src;
        // Bilinear from far above the target skips pixels and aliases; halve until within 2x.
        while (current.getWidth() / 2 >= tw && current.getHeight() / 2 >= th) {
            current = draw(current, current.getWidth() / 2, current.getHeight() / 2);
        }
        return current.getWidth() == tw && current.getHeight() == th && current.getType() == BufferedImage.TYPE_INT_RGB
                ? current : draw(current, tw, th);
    }

    private static BufferedImage draw(BufferedImage src, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    static byte[] jpeg(BufferedImage image) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IllegalStateException("No JPEG writer in this JVM");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(QUALITY);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot encode a thumbnail: " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
