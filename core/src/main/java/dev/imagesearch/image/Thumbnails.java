package dev.imagesearch.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Small previews of images: scaled down smoothly and encoded as JPEG (the CLI's HTML reports, the web page). */
public final class Thumbnails {

    /** JPEG quality of {@link #jpeg}: small files that still look clean at thumbnail size. */
    private static final float QUALITY = 0.85f;

    private Thumbnails() {
    }

    /**
     * Scales down so that the longer side is at most {@code maxSide} (never up), over white where the image is
     * transparent. Halves first: bilinear scaling from far above the target skips pixels and aliases.
     */
    public static BufferedImage scale(BufferedImage src, int maxSide) {
        double f = Math.min(1.0, (double) maxSide / Math.max(src.getWidth(), src.getHeight()));
        int tw = Math.max(1, (int) Math.round(src.getWidth() * f));
        int th = Math.max(1, (int) Math.round(src.getHeight() * f));
        BufferedImage current = src;
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
            g.drawImage(src, 0, 0, w, h, Color.WHITE, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** The image as JPEG bytes. */
    public static byte[] jpeg(BufferedImage image) {
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
            throw new UncheckedIOException("Cannot encode a thumbnail: " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
