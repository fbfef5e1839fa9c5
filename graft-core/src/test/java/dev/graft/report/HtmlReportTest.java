package dev.graft.report;

import dev.graft.eval.PredictionTile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.image.RgbImage;
import dev.graft.eval.Metrics;
import dev.graft.eval.MetricsAccumulator;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
    private static final Pattern DATA_PNG = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");

    @TempDir Path dir;

    /** A full report with every section, the kind `graft train` writes. */
    static HtmlReport fullReport() {
        List<String> classes = List.of(TestImages.SHAPES);
        List<EpochRecord> epochs = PlotsTest.history(10, true);
        SplittableRandom rnd = new SplittableRandom(7);
        MetricsAccumulator acc = new MetricsAccumulator(classes);
        List<PredictionTile> tiles = new ArrayList<>();
        List<RgbImage> augmented = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            int t = i % 3;
            float[] s = new float[3];
            for (int j = 0; j < 3; j++) s[j] = (float) rnd.nextGaussian();
            s[t] += 1.5f;
            acc.add(t, s, "val/" + classes.get(t) + "/" + i + ".png");
            if (i < 24) {
                int p = s[0] >= s[1] && s[0] >= s[2] ? 0 : s[1] >= s[2] ? 1 : 2;
                tiles.add(new PredictionTile(TestImages.shape(classes.get(t), 224, 224, i),
                        classes.get(p), classes.get(t)));
                augmented.add(TestImages.shape(classes.get(t), 160 + i, 200 - i, 100 + i));
            }
        }
        Map<String, Object> recipe = new LinkedHashMap<>();
        recipe.put("arch", "resnet18");
        recipe.put("weights", "imagenet");
        recipe.put("strategy", "finetune");
        recipe.put("optimizer", Map.of("name", "sgd", "lr", 0.001, "momentum", 0.9));
        recipe.put("schedule", "step(step_size=7, gamma=0.1)");
        recipe.put("epochs", 10);
        recipe.put("image_size", 224);
        recipe.put("seed", 42);
        Map<String, int[]> counts = new LinkedHashMap<>();
        counts.put("train", new int[] {124, 121, 130});
        counts.put("val", new int[] {70, 83, 60});
        DataSummary data = new DataSummary(classes, counts, List.of(
                new SkippedFile("train/circle/broken.jpg", "not a readable image"),
                new SkippedFile("train/square/<empty>.png", "empty file")));
        Map<String, List<EpochRecord>> runs = new LinkedHashMap<>();
        runs.put("resnet18 / imagenet", epochs);
        runs.put("resnet18 / none", PlotsTest.history(10, true).stream().map(e -> new EpochRecord(
                e.epoch(), e.trainLoss() * 2, e.trainAcc() * 0.7, e.valLoss() * 2,
                e.valAcc() * 0.65, e.lr(), e.seconds(), e.imagesPerSecond())).toList());
        List<CompareRow> rows = List.of(
                new CompareRow("resnet18 / imagenet", "resnet18", "imagenet", "finetune", 0.9,
                        10, 11_178_051, 355, 212.4),
                new CompareRow("resnet18 / none", "resnet18", "none", "finetune", 0.585, 10,
                        11_178_051, 349, 214.9));
        return new HtmlReport().title("Graft run: resnet18 on shapes")
                .subtitle("data: /data/shapes · 375 training images · 3 classes")
                .summary(RunSummary.fromEpochs("resnet18", "imagenet", "finetune", epochs))
                .comparison(rows, runs)
                .recipe(recipe).data(data).epochs(epochs).metrics(acc.result())
                .predictions(tiles).augmentedSamples(augmented)
                .mistakes(acc.result().worstMistakes().stream().limit(6).map(k -> PredictionTile
                        .fromMistake(k, classes, TestImages.shape(classes.get(k.trueLabel()), 96,
                                96, k.index()))).toList());
    }

    @Test
    void reportIsSelfContainedAndHasEverySection() throws IOException {
        Path file = dir.resolve("run/report.html");
        HtmlReport report = fullReport();
        report.write(file);
        String html = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.endsWith("</html>\n"));
        for (String id : List.of("summary", "comparison", "recipe", "data", "curves",
                "learning-rate", "confusion-matrix", "predictions", "mistakes", "augmented", "timings")) {
            assertTrue(html.contains("<section id=\"" + id + "\">"), "section " + id);
            assertTrue(html.contains("href=\"#" + id + "\""), "nav link to " + id);
        }
        assertFalse(html.contains("http://"), "no http reference");
        assertFalse(html.contains("https://"), "no https reference");
        // nothing is loaded from elsewhere: images are data: URIs; the only other links are a
        // comparison's links to its runs' own reports, next to it on disk
        assertFalse(html.matches("(?s).*src=\"(?!data:).*"), "only data: images");
        assertFalse(html.matches("(?s).*href=\"(?!data:|#|[^\":/]+/report\\.html\").*"), "only data:, # and run-report links");
        assertTrue(html.contains("&lt;empty&gt;.png"), "file names are escaped");
        assertTrue(html.contains("90.00 %"), "best val accuracy shown");

        assertTrue(html.contains("Worst mistakes"));
        // pictures in page order: compare accuracy and loss, loss, accuracy, lr, confusion,
        // predictions, mistakes, augmented
        List<BufferedImage> images = new ArrayList<>();
        Matcher m = DATA_PNG.matcher(html);
        while (m.find()) images.add(PlotsTest.decode(Base64.getDecoder().decode(m.group(1))));
        assertEquals(9, images.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(Plots.WIDTH, images.get(i).getWidth());
            assertEquals(Plots.HEIGHT, images.get(i).getHeight());
        }
        assertTrue(images.get(5).getWidth() >= 300, "confusion matrix");
        int gridWidth = 2 * 12 + 6 * ImageGrid.CELL + 5 * 12;
        assertEquals(gridWidth, images.get(6).getWidth());
        assertEquals(2 * 12 + 6 * ImageGrid.CELL + 5 * 12, images.get(7).getWidth());
        assertEquals(gridWidth, images.get(8).getWidth());
        try (var s = Files.list(file.getParent())) {
            assertEquals(1, s.count(), "no temp file left behind");
        }
        // a copy to look at in a browser (target/ is not committed)
        Path sample = Path.of("target", "sample-report", "report.html");
        Files.createDirectories(sample.getParent());
        Files.copy(file, sample, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void sectionsAreOptional() {
        String html = new HtmlReport()
                .summary(new RunSummary("vgg16", "none", "head", Double.NaN, -1)).render();
        assertTrue(html.contains("<section id=\"summary\">"));
        for (String id : List.of("comparison", "recipe", "data", "curves", "learning-rate",
                "confusion-matrix", "predictions", "mistakes", "augmented", "timings")) {
            assertFalse(html.contains("id=\"" + id + "\""), id + " should be absent");
        }
        assertFalse(html.contains("data:image/png"));
        Metrics m = new MetricsAccumulator(List.of("a", "b")).result();
        String cm = new HtmlReport().confusionMatrix(List.of("a", "b"), new int[][] {{3, 1}, {0, 4}})
                .render();
        assertTrue(cm.contains("<section id=\"confusion-matrix\">"));
        assertTrue(cm.contains("data:image/png;base64,"));
        assertEquals(2, m.classes().size());
    }
}
