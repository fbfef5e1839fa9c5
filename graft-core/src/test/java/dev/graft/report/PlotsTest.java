package dev.graft.report;

import dev.graft.eval.PredictionTile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PlotsTest {
    static List<EpochRecord> history(int n, boolean withVal) {
        List<EpochRecord> out = new ArrayList<>();
        for (int e = 1; e <= n; e++) {
            double lr = e <= 7 ? 1e-3 : 1e-4;
            out.add(new EpochRecord(e, 1.2 / e, 0.5 + 0.4 * e / n, withVal ? 1.0 / e + 0.1 : Double.NaN,
                    withVal ? 0.55 + 0.35 * e / n : Double.NaN, lr, 30 + e, 210 + e));
        }
        return out;
    }

    static BufferedImage decode(byte[] png) throws IOException {
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        assertEquals('N', png[2]);
        assertEquals('G', png[3]);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(img, "not a decodable PNG");
        return img;
    }

    @Test
    void lineChartsArePngsOfTheDocumentedSize() throws IOException {
        List<EpochRecord> h = history(10, true);
        for (byte[] png : List.of(Plots.lossCurves(h), Plots.accuracyCurves(h),
                Plots.learningRateCurve(h), Plots.lossCurves(history(1, false)),
                Plots.accuracyCurves(history(3, false)))) {
            BufferedImage img = decode(png);
            assertEquals(Plots.WIDTH, img.getWidth());
            assertEquals(Plots.HEIGHT, img.getHeight());
        }
        Map<String, List<EpochRecord>> runs = new LinkedHashMap<>();
        runs.put("resnet18 imagenet", h);
        runs.put("resnet18 scratch", history(6, true));
        assertEquals(Plots.WIDTH, decode(Plots.compareValAccuracy(runs)).getWidth());
        for (int i = 0; i < 5; i++) runs.put("run " + i, history(4 + i, true));
        assertEquals(Plots.HEIGHT, decode(Plots.compareValAccuracy(runs)).getHeight());
    }

    @Test
    void confusionMatrixIsDarkerForLargerCounts() throws IOException {
        List<String> classes = List.of("ants", "bees", "wasps");
        int[][] counts = {{9, 1, 0}, {2, 5, 3}, {0, 4, 7}};
        ConfusionMatrixPlot plot = new ConfusionMatrixPlot(classes, counts);
        BufferedImage img = decode(Plots.confusionMatrix(classes, counts));
        double[][] lum = new double[3][3];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                Rectangle b = plot.cellBounds(r, c);
                assertTrue(b.x + b.width <= img.getWidth() && b.y + b.height <= img.getHeight());
                lum[r][c] = luminance(img.getRGB(b.x + 3, b.y + 3)); // corner: away from the text
            }
        }
        for (int r1 = 0; r1 < 3; r1++) {
            for (int c1 = 0; c1 < 3; c1++) {
                for (int r2 = 0; r2 < 3; r2++) {
                    for (int c2 = 0; c2 < 3; c2++) {
                        if (counts[r1][c1] > counts[r2][c2]) {
                            assertTrue(lum[r1][c1] < lum[r2][c2], "cell " + r1 + "," + c1
                                    + " should be darker than " + r2 + "," + c2);
                        } else if (counts[r1][c1] == counts[r2][c2]) {
                            assertEquals(lum[r1][c1], lum[r2][c2], 1.0);
                        }
                    }
                }
            }
        }
        assertTrue(lum[0][0] < 80, "largest count should be dark: " + lum[0][0]);
        assertTrue(lum[0][2] > 240, "zero should be near white: " + lum[0][2]);
        // the count is written inside the cell: the cell centre is not all background
        Rectangle b = plot.cellBounds(0, 0);
        assertTrue(hasColourUnlike(img, b, img.getRGB(b.x + 3, b.y + 3)));
    }

    @Test
    void confusionMatrixScalesToManyClasses() throws IOException {
        for (int n : new int[] {2, 10, 100}) {
            List<String> classes = new ArrayList<>();
            int[][] counts = new int[n][n];
            for (int i = 0; i < n; i++) {
                classes.add(i == 1 ? "a_folder_name_that_goes_on_and_on_for_sixty_characters_ok"
                        : "class_number_" + i);
                counts[i][i] = 20;
                counts[i][(i + 1) % n] = 3;
            }
            BufferedImage img = decode(Plots.confusionMatrix(classes, counts));
            assertTrue(img.getWidth() >= 300 && img.getWidth() <= 1800, n + ": " + img.getWidth());
            assertTrue(img.getHeight() <= 1800, n + ": " + img.getHeight());
            Rectangle last = new ConfusionMatrixPlot(classes, counts).cellBounds(n - 1, n - 1);
            assertTrue(last.width >= 12, "cells stay visible");
            assertTrue(last.x + last.width < img.getWidth());
        }
    }

    @Test
    void predictionGridColoursRightGreenAndWrongRed() throws IOException {
        List<PredictionTile> tiles = List.of(
                new PredictionTile(TestImages.gray(64, 48, 128), "bees", "bees"),
                new PredictionTile(TestImages.gray(28, 28, 60), "ants", "bees", "p=0.91"));
        BufferedImage img = decode(Plots.predictionGrid(tiles, 2));
        int half = img.getWidth() / 2;
        assertTrue(countLike(img, 0, half, Awt.GOOD) > 50, "green title/frame on the right one");
        assertEquals(0, countLike(img, 0, half, Awt.BAD));
        assertTrue(countLike(img, half, img.getWidth(), Awt.BAD) > 50, "red on the wrong one");
        assertEquals(0, countLike(img, half, img.getWidth(), Awt.GOOD));
    }

    @Test
    void gridsHaveOneCellPerImage() throws IOException {
        List<PredictionTile> tiles = new ArrayList<>();
        List<dev.graft.image.RgbImage> plain = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            String t = TestImages.SHAPES[i % 3];
            var im = TestImages.shape(t, 224, 224, i);
            tiles.add(new PredictionTile(im, TestImages.SHAPES[(i * 7) % 3], t));
            plain.add(im);
        }
        BufferedImage p = decode(Plots.predictionGrid(tiles, 6));
        BufferedImage g = decode(Plots.imageGrid(plain, 6));
        int width = 2 * 12 + 6 * ImageGrid.CELL + 5 * 12;
        assertEquals(width, p.getWidth());
        assertEquals(width, g.getWidth());
        assertEquals(2 * 12 + 4 * ImageGrid.CELL + 3 * 12, g.getHeight());
        assertTrue(p.getHeight() > g.getHeight(), "titles take room");
    }

    static double luminance(int rgb) {
        return 0.299 * (rgb >> 16 & 0xff) + 0.587 * (rgb >> 8 & 0xff) + 0.114 * (rgb & 0xff);
    }

    private static boolean hasColourUnlike(BufferedImage img, Rectangle b, int bg) {
        for (int y = b.y + b.height / 4; y < b.y + 3 * b.height / 4; y++) {
            for (int x = b.x + b.width / 4; x < b.x + 3 * b.width / 4; x++) {
                if (img.getRGB(x, y) != bg) return true;
            }
        }
        return false;
    }

    private static int countLike(BufferedImage img, int x0, int x1, Color c) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = x0; x < x1; x++) {
                int rgb = img.getRGB(x, y);
                if (Math.abs((rgb >> 16 & 0xff) - c.getRed()) < 30
                        && Math.abs((rgb >> 8 & 0xff) - c.getGreen()) < 30
                        && Math.abs((rgb & 0xff) - c.getBlue()) < 30) n++;
            }
        }
        return n;
    }
}
