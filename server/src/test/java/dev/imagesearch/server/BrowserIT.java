package dev.imagesearch.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.onnx.ModelCatalog;
import dev.imagesearch.testing.TestResources;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a real headless Chromium (Debian {@code chromium} + {@code chromium-driver}, driven by Selenium), against
 * a server on the real sample photos indexed with two real models. Screenshots go to {@code target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserIT {

    static final String XSS_NAME = "<img src=x onerror=alert(1)>.jpg";
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    Path tmp;
    ImageSearch search;
    ImageSearchServer server;
    WebDriver driver;
    WebDriverWait wait;
    Path dogQuery;
    Path fruitsQuery;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        this.tmp = tmp;
        Path chromium = browserFile("/usr/bin/chromium", "chromium");
        Path chromedriver = browserFile("/usr/bin/chromedriver", "chromium-driver");
        Path sample = TestResources.existing(TestResources.cache().resolve("photos/sample"),
                "sample photos (run scripts/provision.sh)");
        ModelCatalog catalog = ModelCatalog.at(TestResources.cache().resolve("models"));
        TestResources.model("efficientnet-lite0");
        TestResources.model("mobilenet-v2-nsfwjs");

        Path photos = tmp.resolve("photos");
        Files.createDirectories(photos);
        try (Stream<Path> s = ImageSearch.listImages(sample)) {
            for (Path p : s.toList()) {
                Files.copy(p, photos.resolve(p.getFileName()));
            }
        }
        // an image whose file name is markup; its own content so that it is its own top hit
        writeJpeg(flipped(read(photos.resolve("darknet-kite.jpg"))), photos.resolve(XSS_NAME));
        // a smaller, recompressed copy of a photo: a near-duplicate group whose keeper is the original
        writeJpeg(half(read(photos.resolve("skimage-chelsea.png"))), photos.resolve("chelsea-copy.jpg"));
        // queries that are not indexed: smaller re-encoded copies, whose top hit must be their original
        dogQuery = writeJpeg(half(read(photos.resolve("darknet-dog.jpg"))), tmp.resolve("query-dog.jpg"));
        fruitsQuery = writeJpeg(half(read(photos.resolve("opencv-fruits.jpg"))), tmp.resolve("query-fruits.jpg"));

        search = ImageSearch.builder().embedder(catalog.load("efficientnet-lite0"))
                .addEmbedder(catalog.load("mobilenet-v2-nsfwjs")).dataDirectory(tmp.resolve("data")).build();
        assertThat(search.indexDirectory(photos).failures()).isEmpty();
        server = ImageSearchServer.start(search, ServerConfig.builder().port(0).build());

        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        // root in a container has no user namespace for Chromium's sandbox
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class); // results are re-rendered while a search completes
        Files.createDirectories(SCREENSHOTS);
        driver.get(server.uri().toString());
        wait.until(d -> d.findElements(By.cssSelector("#model option")).size() == 3);
    }

    private static Path browserFile(String path, String debianPackage) {
        return TestResources.existing(Path.of(path), debianPackage + " (apt-get install chromium chromium-driver; "
                + "scripts/test.sh installs it)");
    }

    @AfterAll
    void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
        if (search != null) {
            search.close();
        }
    }

    @Test
    @Order(1)
    void uploadingAPhotoShowsItsOriginalFirst() {
        new Select(driver.findElement(By.id("model"))).selectByValue("efficientnet-lite0");
        driver.findElement(By.id("file-input")).sendKeys(dogQuery.toAbsolutePath().toString());
        List<WebElement> hits = waitForHits("darknet-dog.jpg");
        assertThat(driver.findElement(By.cssSelector("#results h2")).getText())
                .isEqualTo("Top 10 with efficientnet-lite0");
        assertThat(hits).hasSize(10);
        WebElement first = hits.get(0);
        assertThat(first.findElement(By.className("rank")).getText()).isEqualTo("#1");
        assertThat(Double.parseDouble(first.findElement(By.className("score")).getText())).isGreaterThan(0.9);
        assertThat(first.findElement(By.tagName("img")).getAttribute("alt")).isEqualTo("darknet-dog.jpg");
        waitForThumbnails();
        screenshot("upload-one-model");
    }

    @Test
    @Order(2)
    void dragAndDropSearchesTheDroppedFile() {
        // Selenium cannot drag a file from the desktop: put it in a DataTransfer and fire the drop event the page
        // listens to, as a browser does when a file is dropped.
        String staged = stage(fruitsQuery);
        ((JavascriptExecutor) driver).executeScript(
                "const dt = new DataTransfer(); dt.items.add(document.getElementById(arguments[0]).files[0]);"
                        + "const zone = document.getElementById('drop-zone');"
                        + "zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: dt, bubbles: true}));"
                        + "zone.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true}));", staged);
        waitForHits("opencv-fruits.jpg");
        assertThat(driver.findElement(By.id("query-name")).getText()).isEqualTo("Query: query-fruits.jpg");
    }

    @Test
    @Order(3)
    void pastingAnImageSearchesIt() {
        String staged = stage(dogQuery); // a clipboard holding a file, as when an image is copied and pasted
        ((JavascriptExecutor) driver).executeScript(
                "const dt = new DataTransfer(); dt.items.add(document.getElementById(arguments[0]).files[0]);"
                        + "document.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true}));",
                staged);
        waitForHits("darknet-dog.jpg");
        assertThat(driver.findElement(By.id("query-name")).getText()).isEqualTo("Query: query-dog.jpg");
        // back to the fruits for the next test
        new Select(driver.findElement(By.id("pick"))).selectByVisibleText("opencv-fruits.jpg");
        waitForHits("opencv-fruits.jpg");
    }

    @Test
    @Order(4)
    void switchingModelsShowsEachModelAndTheFusedList() {
        Select model = new Select(driver.findElement(By.id("model")));
        model.selectByValue("mobilenet-v2-nsfwjs");
        wait.until(d -> d.findElement(By.cssSelector("#results h2")).getText()
                .equals("Top 10 with mobilenet-v2-nsfwjs"));
        assertThat(names().get(0)).isEqualTo("opencv-fruits.jpg");

        model.selectByValue("");
        wait.until(d -> d.findElements(By.className("model-column")).size() == 3);
        List<String> columns = driver.findElements(By.className("model-column")).stream()
                .map(c -> c.getAttribute("data-model")).toList();
        assertThat(columns).containsExactly("efficientnet-lite0", "mobilenet-v2-nsfwjs", "fused");
        assertThat(driver.findElement(By.cssSelector("#fused h3")).getText()).isEqualTo("Fused (rrf)");
        // the photo itself is first in both models: marked as overlap in each model's column
        for (WebElement column : driver.findElements(By.cssSelector(".model-column[data-model$='-nsfwjs'], "
                + ".model-column[data-model='efficientnet-lite0']"))) {
            WebElement first = column.findElement(By.cssSelector(".hit"));
            assertThat(first.getAttribute("class")).contains("overlap");
            assertThat(first.findElement(By.className("badge")).getText()).startsWith("also in ");
        }
        assertThat(names().get(0)).isEqualTo("opencv-fruits.jpg");
        waitForThumbnails();
        screenshot("fused-models");
    }

    @Test
    @Order(5)
    void aFileNamedLikeMarkupIsShownAsText() {
        new Select(driver.findElement(By.id("model"))).selectByValue("efficientnet-lite0");
        new Select(driver.findElement(By.id("pick"))).selectByVisibleText(XSS_NAME);
        waitForHits(XSS_NAME);
        assertThat(driver.findElement(By.id("query-name")).getText()).isEqualTo("Query: " + XSS_NAME);
        assertThat(driver.findElements(By.cssSelector("img[src='x']"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector("#hits .hit img")).get(0).getAttribute("alt"))
                .isEqualTo(XSS_NAME);
        assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        waitForThumbnails();
        screenshot("markup-file-name");
    }

    @Test
    @Order(6)
    void theDuplicatesViewWorksFromTheKeyboard() {
        WebElement searchTab = driver.findElement(By.id("tab-search"));
        searchTab.sendKeys(Keys.ARROW_RIGHT);
        wait.until(d -> d.findElement(By.id("view-duplicates")).isDisplayed());
        assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("tab-duplicates");
        assertThat(driver.findElement(By.id("view-search")).isDisplayed()).isFalse();
        driver.findElement(By.id("dup-load")).sendKeys(Keys.ENTER);
        wait.until(d -> !d.findElements(By.className("group")).isEmpty());
        WebElement chelsea = driver.findElements(By.className("group")).stream()
                .filter(g -> g.getText().contains("chelsea-copy.jpg")).findFirst()
                .orElseThrow(() -> new AssertionError("no group with the recompressed copy: "
                        + driver.findElement(By.id("dup-results")).getText()));
        WebElement keep = chelsea.findElement(By.cssSelector("li.keep"));
        assertThat(keep.findElement(By.className("name")).getText()).isEqualTo("skimage-chelsea.png");
        assertThat(keep.findElement(By.className("badge")).getText()).isEqualTo("keep (suggested)");
        waitForThumbnails();
        screenshot("duplicates");

        driver.findElement(By.id("tab-duplicates")).sendKeys(Keys.ARROW_RIGHT);
        wait.until(d -> d.findElements(By.id("status-images")).size() == 1);
        assertThat(driver.findElement(By.id("status-images")).getText())
                .isEqualTo(Long.toString(search.count()));
        assertThat(driver.findElement(By.id("status")).getText()).contains("mobilenet-v2-nsfwjs").contains("1280");
        screenshot("status");
    }

    @Test
    @Order(7)
    void everyImageHasAltTextAndThePageBreaksNoPolicy() {
        for (WebElement img : driver.findElements(By.tagName("img"))) {
            assertThat(img.getAttribute("alt")).as(img.getAttribute("src")).isNotBlank();
        }
        List<String> problems = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).map(LogEntry::getMessage)
                .filter(m -> !m.contains("favicon.ico")).toList();
        assertThat(problems).as("console warnings and errors (CSP violations among them)").isEmpty();
        assertThat(SCREENSHOTS.resolve("upload-one-model.png")).isNotEmptyFile();
    }

    @Test
    @Order(8)
    void withATokenThePageAsksForItAndLoadsImagesWithIt() {
        String token = "browser-test-token-0123456789";
        try (ImageSearchServer guarded = ImageSearchServer.start(search, ServerConfig.builder().port(0).token(token)
                .build())) {
            driver.get(guarded.uri().toString());
            wait.until(d -> d.findElement(By.id("token-row")).isDisplayed());
            driver.findElement(By.id("token")).sendKeys(token);
            driver.findElement(By.id("token-save")).sendKeys(Keys.ENTER);
            wait.until(d -> d.findElements(By.cssSelector("#model option")).size() == 3);
            assertThat(driver.findElement(By.id("token-row")).isDisplayed()).isFalse();
            new Select(driver.findElement(By.id("model"))).selectByValue("efficientnet-lite0");
            new Select(driver.findElement(By.id("pick"))).selectByVisibleText("darknet-eagle.jpg");
            waitForHits("darknet-eagle.jpg");
            waitForThumbnails();
            // an <img> cannot send the header: thumbnails are fetched with it and shown from blob: URLs (CSP img-src)
            WebElement thumb = driver.findElement(By.cssSelector("#hits .hit img"));
            assertThat(thumb.getAttribute("src")).startsWith("blob:");
            assertThat(((Number) ((JavascriptExecutor) driver).executeScript("return arguments[0].naturalWidth;",
                    thumb)).intValue()).isPositive();
            screenshot("token");
        }
    }

    /** A file in the page, as a hidden file input holding it; returns the input's id. */
    private String stage(Path file) {
        String id = "stage-" + System.nanoTime();
        WebElement input = (WebElement) ((JavascriptExecutor) driver).executeScript(
                "const i = document.createElement('input'); i.type = 'file'; i.id = arguments[0]; i.hidden = true;"
                        + "document.body.append(i); return i;", id);
        input.sendKeys(file.toAbsolutePath().toString());
        return id;
    }

    private List<WebElement> waitForHits(String expectedFirst) {
        wait.until(d -> {
            List<String> names = names();
            return !names.isEmpty() && names.get(0).equals(expectedFirst);
        });
        return driver.findElements(By.cssSelector("#hits .hit"));
    }

    /** The file names in the final list, read in one go (the list may be replaced between two reads). */
    @SuppressWarnings("unchecked")
    private List<String> names() {
        return (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return [...document.querySelectorAll('#hits .hit .name')].map(e => e.textContent);");
    }

    private void waitForThumbnails() {
        wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                "return [...document.images].every(i => i.complete && i.naturalWidth > 0 || !i.offsetParent);"));
    }

    private void screenshot(String name) {
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        try {
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new AssertionError("cannot save the screenshot " + name + ": " + e.getMessage(), e);
        }
    }

    private static BufferedImage read(Path p) throws IOException {
        BufferedImage image = ImageIO.read(p.toFile());
        assertThat(image).as(p.toString()).isNotNull();
        return image;
    }

    private static BufferedImage half(BufferedImage src) {
        return scaled(src, src.getWidth() / 2, src.getHeight() / 2, false);
    }

    private static BufferedImage flipped(BufferedImage src) {
        return scaled(src, src.getWidth(), src.getHeight(), true);
    }

    private static BufferedImage scaled(BufferedImage src, int w, int h, boolean flip) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = out.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION,
                java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        if (flip) {
            g.drawImage(src, w, 0, -w, h, null);
        } else {
            g.drawImage(src, 0, 0, w, h, null);
        }
        g.dispose();
        return out;
    }

    private static Path writeJpeg(BufferedImage image, Path file) throws IOException {
        if (!ImageIO.write(image, "jpeg", file.toFile())) {
            throw new IOException("no JPEG writer");
        }
        return file;
    }
}
