package dev.graft.report;

import dev.graft.image.RgbImage;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/** Synthetic pictures (a circle, square or triangle on a noisy background) for report tests. */
final class TestImages {
    static final String[] SHAPES = {"circle", "square", "triangle"};

    private TestImages() {}

    static RgbImage shape(String kind, int w, int h, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(200 + r.nextInt(50), 200 + r.nextInt(50), 200 + r.nextInt(50)));
        g.fillRect(0, 0, w, h);
        g.setColor(Color.getHSBColor(r.nextFloat(), 0.7f, 0.8f));
        int s = Math.min(w, h), m = s / 5 + r.nextInt(Math.max(1, s / 10));
        switch (kind) {
            case "circle" -> g.fillOval(m, m, w - 2 * m, h - 2 * m);
            case "square" -> g.fillRect(m, m, w - 2 * m, h - 2 * m);
            default -> g.fillPolygon(new int[] {w / 2, w - m, m}, new int[] {m, h - m, h - m}, 3);
        }
        g.dispose();
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y), o = (y * w + x) * 3;
                for (int c = 0; c < 3; c++) {
                    int v = (rgb >> (16 - 8 * c) & 0xff) + r.nextInt(21) - 10;
                    px[o + c] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
        return new RgbImage(w, h, px);
    }

    static RgbImage gray(int w, int h, int v) {
        byte[] px = new byte[w * h * 3];
        java.util.Arrays.fill(px, (byte) v);
        return new RgbImage(w, h, px);
    }
}
