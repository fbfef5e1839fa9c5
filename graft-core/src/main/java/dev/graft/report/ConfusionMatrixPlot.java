package dev.graft.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Draws a confusion matrix as a heatmap (rows = true class, columns = predicted class),
 * cells shaded white to dark blue by count like matplotlib's "Blues", counts written in
 * cells that are big enough, class names on both axes and a colour bar. Cell size shrinks
 * with the number of classes so that 2 to 100 classes stay readable.
 */
final class ConfusionMatrixPlot {
    static { Awt.ensureHeadless(); }

    // matplotlib "Blues" colour stops, light to dark
    private static final int[][] BLUES = {
        {247, 251, 255}, {222, 235, 247}, {198, 219, 239}, {158, 202, 225}, {107, 174, 214},
        {66, 146, 198}, {33, 113, 181}, {8, 81, 156}, {8, 48, 107}};
    private static final int PAD = 16;
    private static final int MAX_LABEL = 28;

    private final List<String> classes;
    private final int[][] counts;
    private final int n;
    private final int max;
    private final int cell;
    private final Font labelFont;
    private final Font countFont;
    private final Font titleFont = Awt.font(Font.BOLD, 16f);
    private final Font axisFont = Awt.font(Font.PLAIN, 13f);
    private final boolean rotateX;
    private final int left;
    private final int top;
    private final int bottom;
    private final int width;
    private final int height;

    ConfusionMatrixPlot(List<String> classes, int[][] counts) {
        // very long folder names would push the matrix off the picture
        this.classes = classes.stream().map(c -> c.length() <= MAX_LABEL ? c
                : c.substring(0, MAX_LABEL - 1) + "…").toList();
        this.n = classes.size();
        if (n == 0 || counts.length != n) {
            throw new IllegalArgumentException("confusion matrix has " + counts.length
                    + " rows for " + n + " classes");
        }
        int m = 0;
        for (int[] row : counts) {
            if (row.length != n) throw new IllegalArgumentException("confusion matrix not square");
            for (int v : row) m = Math.max(m, v);
        }
        this.counts = counts;
        this.max = m;
        this.cell = Math.max(12, Math.min(90, 600 / n));
        this.labelFont = Awt.font(Font.PLAIN, Math.max(9f, Math.min(14f, cell * 0.75f)));
        this.countFont = Awt.font(Font.PLAIN, Math.max(8f, Math.min(16f, cell * 0.36f)));
        FontMetrics fm = metrics(labelFont);
        int longest = 0;
        for (String c : this.classes) longest = Math.max(longest, fm.stringWidth(c));
        this.rotateX = longest > cell - 4;
        this.left = PAD + fm.getHeight() + 8 + longest + 8;
        this.top = PAD + metrics(titleFont).getHeight() + 8;
        this.bottom = 8 + (rotateX ? longest : fm.getHeight()) + 8 + fm.getHeight() + PAD;
        int colourBar = 16 + 20 + 8 + metrics(axisFont).stringWidth(String.valueOf(max)) + PAD;
        this.width = Math.max(left + n * cell + colourBar, 360);
        this.height = top + n * cell + bottom;
    }

    /** Where the cell of (true row, predicted column) is drawn, in image pixels. */
    Rectangle cellBounds(int row, int col) {
        return new Rectangle(left + col * cell, top + row * cell, cell, cell);
    }

    BufferedImage render() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Awt.graphics(img);
        g.setColor(Awt.TEXT);
        g.setFont(titleFont);
        g.drawString("Confusion matrix", left, PAD + g.getFontMetrics().getAscent());

        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                double t = max == 0 ? 0 : (double) counts[r][c] / max;
                Rectangle b = cellBounds(r, c);
                g.setColor(shade(t));
                g.fillRect(b.x, b.y, b.width, b.height);
                drawCount(g, counts[r][c], t, b);
            }
        }
        // a light grid between cells keeps rows traceable in big matrices
        g.setColor(new Color(255, 255, 255, 90));
        for (int i = 1; i < n; i++) {
            g.drawLine(left + i * cell, top, left + i * cell, top + n * cell);
            g.drawLine(left, top + i * cell, left + n * cell, top + i * cell);
        }
        g.setColor(new Color(0xd0, 0xd7, 0xde));
        g.drawRect(left, top, n * cell, n * cell);
        drawLabels(g);
        drawColourBar(g);
        g.dispose();
        return img;
    }

    private void drawCount(Graphics2D g, int v, double t, Rectangle b) {
        g.setFont(countFont);
        FontMetrics fm = g.getFontMetrics();
        String s = String.valueOf(v);
        // in big matrices a sea of tiny zeros hides the counts that matter
        if (v == 0 && b.width < 24) return;
        if (fm.stringWidth(s) > b.width - 2 || fm.getAscent() > b.height - 2) return;
        g.setColor(t > 0.5 ? Color.WHITE : Awt.TEXT);
        g.drawString(s, b.x + (b.width - fm.stringWidth(s)) / 2f,
                b.y + (b.height + fm.getAscent() - fm.getDescent()) / 2f);
    }

    private void drawLabels(Graphics2D g) {
        g.setFont(labelFont);
        g.setColor(Awt.TEXT);
        FontMetrics fm = g.getFontMetrics();
        float mid = (fm.getAscent() - fm.getDescent()) / 2f;
        for (int i = 0; i < n; i++) {
            String name = classes.get(i);
            float cy = top + i * cell + cell / 2f + mid;
            g.drawString(name, left - 8 - fm.stringWidth(name), cy);
            float cx = left + i * cell + cell / 2f;
            int y0 = top + n * cell + 8;
            if (rotateX) {
                AffineTransform saved = g.getTransform();
                g.translate(cx + mid, y0);
                g.rotate(Math.PI / 2);
                g.drawString(name, 0, 0);
                g.setTransform(saved);
            } else {
                g.drawString(name, cx - fm.stringWidth(name) / 2f, y0 + fm.getAscent());
            }
        }
        g.setFont(axisFont);
        g.setColor(Awt.MUTED);
        FontMetrics am = g.getFontMetrics();
        String xt = "Predicted class";
        g.drawString(xt, left + (n * cell - am.stringWidth(xt)) / 2f, height - PAD - am.getDescent());
        AffineTransform saved = g.getTransform();
        String yt = "True class";
        g.translate(PAD + am.getAscent(), top + (n * cell + am.stringWidth(yt)) / 2f);
        g.rotate(-Math.PI / 2);
        g.drawString(yt, 0, 0);
        g.setTransform(saved);
    }

    private void drawColourBar(Graphics2D g) {
        int x = left + n * cell + 16;
        int h = n * cell;
        for (int y = 0; y < h; y++) {
            g.setColor(shade(1 - (double) y / Math.max(1, h - 1)));
            g.fillRect(x, top + y, 20, 1);
        }
        g.setColor(new Color(0xd0, 0xd7, 0xde));
        g.drawRect(x, top, 20, h);
        g.setFont(axisFont);
        g.setColor(Awt.MUTED);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(String.valueOf(max), x + 28, top + fm.getAscent());
        g.drawString("0", x + 28, top + h);
    }

    /** Colour for t in [0, 1], interpolated between the "Blues" stops. */
    static Color shade(double t) {
        double p = Math.max(0, Math.min(1, t)) * (BLUES.length - 1);
        int i = Math.min((int) p, BLUES.length - 2);
        double f = p - i;
        int[] a = BLUES[i], b = BLUES[i + 1];
        return new Color((int) Math.round(a[0] + f * (b[0] - a[0])),
                (int) Math.round(a[1] + f * (b[1] - a[1])),
                (int) Math.round(a[2] + f * (b[2] - a[2])));
    }

    private static FontMetrics metrics(Font f) {
        return Awt.metrics(f);
    }
}
