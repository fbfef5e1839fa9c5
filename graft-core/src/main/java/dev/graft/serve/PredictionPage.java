package dev.graft.serve;

import dev.graft.GraftException;
import dev.graft.data.transforms.Interpolation;
import dev.graft.data.transforms.Resize;
import dev.graft.eval.Predictor;
import dev.graft.image.ImageDecoder;
import dev.graft.image.RgbImage;
import dev.graft.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * {@code graft predict --html FILE}: the tutorials' {@code visualize_model} grid for new
 * images, as one self-contained HTML file in the look of the {@code graft serve} page: each
 * image (a PNG thumbnail, at most 256 px, embedded) titled with its predicted class, and its
 * top-3 classes with probability bars. Images that could not be read show their error.
 */
public final class PredictionPage {
    static final int THUMB = 256, SHOWN = 3;

    private PredictionPage() {}

    /** Writes the page atomically. */
    public static void write(Path file, List<Predictor.Prediction> predictions) {
        try {
            AtomicFiles.write(file, render(predictions).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new GraftException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static String render(List<Predictor.Prediction> predictions) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>Graft predictions</title>\n<style>\n").append(Page.style()).append("</style>\n</head>\n<body>\n")
                .append("<header><h1>Graft</h1><span class=\"sub\">predictions for ").append(predictions.size())
                .append(predictions.size() == 1 ? " image" : " images").append("</span></header>\n<main>\n<div class=\"grid\">\n");
        for (Predictor.Prediction p : predictions) {
            b.append("<div class=\"card\">\n");
            String thumb = p.error() == null ? thumbnail(Path.of(p.image())) : null;
            if (thumb != null) b.append("<img class=\"thumb\" alt=\"\" src=\"data:image/png;base64,").append(thumb).append("\">\n");
            if (p.error() != null || p.top().isEmpty()) {
                b.append("<div class=\"title error\">cannot read</div>\n<div class=\"file\">")
                        .append(escape(p.error() == null ? p.image() : p.error())).append("</div>\n");
            } else {
                b.append("<div class=\"title\">predicted: ").append(escape(p.top().get(0).label())).append("</div>\n")
                        .append("<div class=\"file\" title=\"").append(escape(p.image())).append("\">")
                        .append(escape(String.valueOf(Path.of(p.image()).getFileName()))).append("</div>\n");
                boolean best = true;
                for (Predictor.Scored s : p.top().subList(0, Math.min(SHOWN, p.top().size()))) {
                    String pct = String.format(Locale.ROOT, "%.1f", 100 * s.probability());
                    b.append(best ? "<div class=\"row best\">" : "<div class=\"row\">")
                            .append("<span class=\"label\" title=\"").append(escape(s.label())).append("\">")
                            .append(escape(s.label())).append("</span><div class=\"bar\"><div class=\"fill\" style=\"width:")
                            .append(pct).append("%\"></div></div><span class=\"pct\">")
                            .append(String.format(Locale.ROOT, "%.2f%%", 100 * s.probability())).append("</span></div>\n");
                    best = false;
                }
            }
            b.append("</div>\n");
        }
        return b.append("</div>\n</main>\n</body>\n</html>\n").toString();
    }

    /** The image as a base64 PNG no larger than THUMB on its long side, or null when unreadable. */
    private static String thumbnail(Path file) {
        try {
            RgbImage img = ImageDecoder.decode(file);
            double scale = Math.min(1.0, (double) THUMB / Math.max(img.width(), img.height()));
            if (scale < 1) {
                img = Resize.resize(img, Math.max(1, (int) Math.round(img.width() * scale)),
                        Math.max(1, (int) Math.round(img.height() * scale)), Interpolation.BILINEAR);
            }
            BufferedImage out = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
            byte[] px = img.pixels();
            for (int i = 0; i < img.width() * img.height(); i++) {
                out.setRGB(i % img.width(), i / img.width(), (px[3 * i] & 0xff) << 16 | (px[3 * i + 1] & 0xff) << 8 | (px[3 * i + 2] & 0xff));
            }
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(out, "png", png);
            return Base64.getEncoder().encodeToString(png.toByteArray());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
