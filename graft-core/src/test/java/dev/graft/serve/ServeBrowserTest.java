package dev.graft.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import dev.graft.cli.Main;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page of {@code graft serve} and the page of {@code graft predict --html}, in a real
 * browser: Debian's headless chromium through chromedriver (installed by .ci/run). An image
 * is uploaded through the file input, and the rendered top label must be {@code graft
 * predict}'s, for each model of the picker. Screenshots as the test saw them are left in
 * target/ (serve-screenshot.png, predict-html.png).
 */
class ServeBrowserTest {
    @TempDir
    static Path tmp;
    static Path run, other;
    static List<Path> images;
    static GraftServer server;
    static String base;
    static WebDriver driver;

    @BeforeAll
    static void start() throws IOException {
        run = ServeFixtures.run(tmp.resolve("tiny"), 21, ServeFixtures.CLASSES);
        other = ServeFixtures.run(tmp.resolve("other"), 22, List.of("left", "right", "up"));
        images = ServeFixtures.images(tmp.resolve("images"), 3, 9);
        server = new GraftServer(List.of(ModelSlot.open("tiny", run, false), ModelSlot.open("other", other, false)),
                GraftServer.Options.defaults().withPort(0), line -> { });
        base = "http://127.0.0.1:" + server.start();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + tmp.resolve("chromium-profile"), "--window-size=1000,700");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (driver != null) driver.quit();
        if (server != null) server.close();
    }

    static final java.util.Map<Path, JsonArray> predicted = new java.util.HashMap<>();

    /** graft predict's top label of the image (one predict run per model for all the images). */
    private static String top1(Path model, Path image) {
        JsonArray all = predicted.computeIfAbsent(model, m -> ServeFixtures.predict(m, images, 1).getAsJsonArray("predictions"));
        JsonArray top = all.get(images.indexOf(image)).getAsJsonObject().getAsJsonArray("top");
        return top.get(0).getAsJsonObject().get("label").getAsString();
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(driver, Duration.ofSeconds(20));
    }

    /** Waits for the page's answer to a new image or model (it sets data-state=done). */
    private static String answer() {
        waiting().until(d -> "done".equals(d.findElement(By.tagName("body")).getAttribute("data-state")));
        return driver.findElement(By.id("top-label")).getText();
    }

    @Test
    void uploadedImageShowsGraftPredictsTopLabelForEachModel() throws IOException {
        driver.get(base + "/");
        waiting().until(d -> "yes".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
        assertTrue(driver.findElement(By.id("picker")).isDisplayed(), "two models: the picker shows");
        Path image = images.get(1);
        driver.findElement(By.id("file")).sendKeys(image.toAbsolutePath().toString());
        String shown = answer();
        assertEquals(top1(run, image), shown);
        List<WebElement> rows = driver.findElements(By.cssSelector("#results .row"));
        assertEquals(4, rows.size(), "top 5 of 4 classes");
        assertTrue(driver.findElement(By.id("preview")).isDisplayed());
        double first = Double.parseDouble(rows.get(0).findElement(By.className("pct")).getText().replace("%", ""));
        double second = Double.parseDouble(rows.get(1).findElement(By.className("pct")).getText().replace("%", ""));
        assertTrue(first >= second && first > 0, first + " then " + second);
        byte[] png = ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES);
        Files.write(Path.of("target", "serve-screenshot.png"), png);

        ((ChromeDriver) driver).executeScript("document.body.dataset.state = 'switching'");
        new Select(driver.findElement(By.id("model"))).selectByValue("other");
        assertEquals(top1(other, image), answer());
        assertEquals(3, driver.findElements(By.cssSelector("#results .row")).size());
    }

    @Test
    void predictHtmlShowsEachImageWithItsTopThree() {
        Path page = tmp.resolve("predictions.html");
        List<String> args = new ArrayList<>(List.of("predict", "--model", run.toString(), "--quiet", "--html", page.toString()));
        images.forEach(p -> args.add(p.toString()));
        java.io.PrintStream old = System.out;
        try {
            System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            assertEquals(0, Main.commandLine().execute(args.toArray(String[]::new)));
        } finally {
            System.setOut(old);
        }
        driver.get(page.toUri().toString());
        List<WebElement> cards = driver.findElements(By.className("card"));
        assertEquals(images.size(), cards.size());
        for (int i = 0; i < images.size(); i++) {
            WebElement card = cards.get(i);
            assertEquals("predicted: " + top1(run, images.get(i)), card.findElement(By.className("title")).getText());
            assertEquals(3, card.findElements(By.className("row")).size());
            WebElement img = card.findElement(By.tagName("img"));
            Object loaded = ((ChromeDriver) driver).executeScript("return arguments[0].naturalWidth", img);
            assertTrue(((Number) loaded).intValue() > 0, "the embedded image decodes");
        }
        assertFalse(driver.getPageSource().contains("http://"), "self-contained");
        try {
            Files.write(Path.of("target", "predict-html.png"), ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
