package dev.imagesearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.image.Thumbnails;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

    @Test
    void escapesEveryMarkupCharacter() {
        assertThat(HtmlReport.escape("<script>alert('x') & \"y\"</script>"))
                .isEqualTo("&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
        assertThat(HtmlReport.escape("plain/ünïcode.jpg")).isEqualTo("plain/ünïcode.jpg");
    }

    @Test
    void rendersQueriesResultsAndMissingImagesSafely() {
        QueryResult q = new QueryResult("/q/<evil>.jpg", "model\"x", 2, List.of(
                new QueryResult.Hit(1, "/r/one.jpg", 0.98767f, "1", "ab"),
                new QueryResult.Hit(2, "/r/gone&.jpg", 0.5f, "2", "cd")));
        String page = new HtmlReport(file -> {
            if (file.toString().contains("gone")) {
                throw new ImageDecodeException("file not found");
            }
            return "data:image/jpeg;base64,AAAA";
        }).render(List.of(q));
        assertThat(page).contains("/q/&lt;evil&gt;.jpg").doesNotContain("<evil>")
                .contains("model model&quot;x, top 2")
                .contains("<span class=\"rank\">#1</span> <span class=\"score\">0.9877</span>")
                .contains("<div class=\"missing\">image unavailable: file not found</div>")
                .contains("/r/gone&amp;.jpg").contains("href=\"file:///r/one.jpg\"");
        assertThat(page.split("data:image/jpeg;base64,AAAA", -1)).hasSize(3); // query + first result
    }

    @Test
    void thumbnailsAreSmallJpegs(@TempDir Path tmp) throws Exception {
        BufferedImage big = new BufferedImage(1000, 400, BufferedImage.TYPE_INT_RGB);
        BufferedImage small = Thumbnails.scale(big, ThumbnailUris.MAX_SIDE);
        assertThat(small.getWidth()).isEqualTo(256);
        assertThat(small.getHeight()).isEqualTo(102);
        assertThat(Thumbnails.scale(new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB), 256).getWidth())
                .isEqualTo(20); // never enlarged
        Path file = FakeModels.picture(tmp.resolve("p.png"), 3);
        String uri = new ThumbnailUris().dataUri(file);
        assertThat(uri).startsWith("data:image/jpeg;base64,");
        byte[] jpeg = java.util.Base64.getDecoder().decode(uri.substring(uri.indexOf(',') + 1));
        BufferedImage back = read(jpeg);
        assertThat(back.getWidth()).isEqualTo(64);
    }

    private static BufferedImage read(byte[] bytes) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(bytes));
    }
}
