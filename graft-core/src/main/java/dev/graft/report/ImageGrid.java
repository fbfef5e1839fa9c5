package dev.graft.report;

import dev.graft.image.RgbImage;
import dev.graft.eval.PredictionTile;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays images out in a grid of equal square cells, each image scaled to fit its cell
 * (pixel-sharp when enlarged a lot, so 28x28 digits stay crisp) and optionally captioned
 * above in the way the seeds' matplotlib grids title each subplot.
 */
final class ImageGrid {
    static { Awt.ensureHeadless(); }

    static final int CELL = 160;
    private static final int GAP = 12;
    private static final int MARGIN = 12;
    private static final Font CAPTION = Awt.font(Font.PLAIN, 13f);
    private static final Font NOTE = Awt.font(Font.PLAIN, 11f);

    private ImageGrid() {}

    static BufferedImage predictions(List<PredictionTile> tiles, int columns) {
        boolean notes = tiles.stream().anyMatch(t -> t.note() != null);
        FontMetrics cm = Awt.metrics(CAPTION);
        FontMetrics nm = Awt.metrics(NOTE);
        int captionH = 2 * cm.getHeight() + (notes ? nm.getHeight() : 0) + 4;
        List<RgbImage> images = new ArrayList<>();
        tiles.forEach(t -> images.add(t.image()));
        return draw(images, columns, captionH, (g, i, x, y) -> {
            PredictionTile t = tiles.get(i);
            Color c = t.correct() ? Awt.GOOD : Awt.BAD;
            g.setFont(CAPTION);
            g.setColor(c);
            String one = "pred: " + t.predicted() + " / true: " + t.actual();
            int baseline = y + cm.getAscent();
            if (cm.stringWidth(one) <= CELL) {
                centred(g, one, x, baseline + cm.getHeight() / 2);
            } else {
                centred(g, fit(cm, "pred: " + t.predicted()), x, baseline);
                centred(g, fit(cm, "true: " + t.actual()), x, baseline + cm.getHeight());
            }
            if (t.note() != null) {
                g.setFont(NOTE);
                g.setColor(Awt.MUTED);
                centred(g, fit(nm, t.note()), x, y + 2 * cm.getHeight() + nm.getAscent());
            }
            // a coloured frame lets right and wrong be told apart at a glance
            g.setColor(c);
            g.setStroke(new BasicStroke(3f));
            g.drawRect(x - 2, y + captionH - 2, CELL + 3, CELL + 3);
        });
    }

    static BufferedImage plain(List<RgbImage> images, int columns) {
        return draw(images, columns, 0, (g, i, x, y) -> { });
    }

    private interface Caption {
        void draw(Graphics2D g, int index, int x, int y);
    }

    private static BufferedImage draw(List<RgbImage> images, int columns, int captionH,
                                      Caption caption) {
        if (images.isEmpty()) throw new IllegalArgumentException("no images to put in a grid");
        if (columns < 1) throw new IllegalArgumentException("columns must be >= 1: " + columns);
        int cols = Math.min(columns, images.size());
        int rows = (images.size() + cols - 1) / cols;
        int w = 2 * MARGIN + cols * CELL + (cols - 1) * GAP;
        int h = 2 * MARGIN + rows * (captionH + CELL) + (rows - 1) * GAP;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Awt.graphics(out);
        for (int i = 0; i < images.size(); i++) {
            int x = MARGIN + (i % cols) * (CELL + GAP);
            int y = MARGIN + (i / cols) * (captionH + CELL + GAP);
            g.setColor(new Color(0xf6, 0xf8, 0xfa));
            g.fillRect(x, y + captionH, CELL, CELL);
            drawFitted(g, images.get(i), x, y + captionH);
            caption.draw(g, i, x, y);
        }
        g.dispose();
        return out;
    }

    private static void drawFitted(Graphics2D g, RgbImage img, int x, int y) {
        double scale = Math.min((double) CELL / img.width(), (double) CELL / img.height());
        int dw = Math.max(1, (int) Math.round(img.width() * scale));
        int dh = Math.max(1, (int) Math.round(img.height() * scale));
        BufferedImage src = toBuffered(img);
        // halve first when shrinking a lot: one bilinear step from far away aliases badly
        while (src.getWidth() >= 2 * dw && src.getHeight() >= 2 * dh) {
            src = resize(src, src.getWidth() / 2, src.getHeight() / 2,
                    RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        }
        Object hint = scale >= 2 ? RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR
                : RenderingHints.VALUE_INTERPOLATION_BILINEAR;
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, hint);
        g.drawImage(src, x + (CELL - dw) / 2, y + (CELL - dh) / 2, dw, dh, null);
    }

    private static BufferedImage resize(BufferedImage src, int w, int h, Object hint) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, hint);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    static BufferedImage toBuffered(RgbImage img) {
        int w = img.width(), h = img.height();
        int[] argb = new int[w * h];
        byte[] p = img.pixels();
        for (int i = 0; i < argb.length; i++) {
            argb[i] = (p[3 * i] & 0xff) << 16 | (p[3 * i + 1] & 0xff) << 8 | (p[3 * i + 2] & 0xff);
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, argb, 0, w);
        return out;
    }

    private static void centred(Graphics2D g, String s, int x, int baseline) {
        g.drawString(s, x + (CELL - g.getFontMetrics().stringWidth(s)) / 2f, baseline);
    }

    private static String fit(FontMetrics fm, String s) {
        if (fm.stringWidth(s) <= CELL) return s;
        String cut = s;
        while (cut.length() > 1 && fm.stringWidth(cut + "…") > CELL) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "…";
    }
}
