package dev.graft.report;

import dev.graft.GraftException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes a run's {@code metrics.csv}: one row per epoch with the columns
 * {@code epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds,images_per_second,val_balanced_acc,val_macro_f1}.
 * Numbers are written in Java's shortest round-trip form without trailing zeros (0.0001, not
 * 0.00010), the learning rate first rounded to 10 significant digits (a schedule's arithmetic
 * leaves 0.0025000000000000014 for 0.0025), so reading gives back exactly the values written
 * and writing them again gives the same text; a value not measured is an empty field (NaN). Reading goes by header
 * name, so older files without the later columns (or with extra columns) still load:
 * that is what resuming and regenerating a report need.
 */
public final class MetricsCsv {
    /** The header, in column order. */
    public static final List<String> COLUMNS = List.of("epoch", "train_loss", "train_acc",
            "val_loss", "val_acc", "lr", "seconds", "images_per_second", "val_balanced_acc", "val_macro_f1");

    private MetricsCsv() {}

    /** Writes all epochs to {@code file} atomically (replacing it). */
    public static void write(Path file, List<EpochRecord> epochs) {
        AtomicWrite.write(file, format(epochs).getBytes(StandardCharsets.UTF_8));
    }

    /** The CSV text for these epochs, header first, "\n" line ends. */
    public static String format(List<EpochRecord> epochs) {
        StringBuilder sb = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (EpochRecord e : epochs) {
            sb.append(e.epoch()).append(',').append(num(e.trainLoss())).append(',')
                    .append(num(e.trainAcc())).append(',').append(num(e.valLoss())).append(',')
                    .append(num(e.valAcc())).append(',').append(num(rate(e.lr()))).append(',')
                    .append(num(e.seconds())).append(',').append(num(e.imagesPerSecond())).append(',')
                    .append(num(e.valBalancedAcc())).append(',').append(num(e.valMacroF1()))
                    .append('\n');
        }
        return sb.toString();
    }

    /** Reads epochs back; a missing or malformed file is a {@link GraftException}. */
    public static List<EpochRecord> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new GraftException("metrics file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new GraftException("cannot read metrics file " + file + ": " + GraftException.reason(e), e);
        }
        return parse(text, file.toString());
    }

    /** Parses CSV text; {@code name} is used in error messages. */
    public static List<EpochRecord> parse(String text, String name) {
        String[] lines = text.split("\r?\n");
        if (lines.length == 0 || lines[0].isBlank()) {
            throw new GraftException("metrics file " + name + " is empty (expected a header "
                    + "starting with 'epoch')");
        }
        Map<String, Integer> col = new HashMap<>();
        String[] header = lines[0].replace("\uFEFF", "").split(",", -1);
        for (int i = 0; i < header.length; i++) col.put(header[i].trim(), i);
        if (!col.containsKey("epoch")) {
            throw new GraftException("metrics file " + name + " has no 'epoch' column in its "
                    + "header: " + lines[0]);
        }
        List<EpochRecord> out = new ArrayList<>();
        for (int ln = 1; ln < lines.length; ln++) {
            if (lines[ln].isBlank()) continue;
            String[] f = lines[ln].split(",", -1);
            String where = name + " line " + (ln + 1);
            try {
                out.add(new EpochRecord(Integer.parseInt(field(f, col, "epoch").trim()),
                        value(f, col, "train_loss"), value(f, col, "train_acc"),
                        value(f, col, "val_loss"), value(f, col, "val_acc"),
                        value(f, col, "lr"), value(f, col, "seconds"),
                        value(f, col, "images_per_second"), value(f, col, "val_balanced_acc"),
                        value(f, col, "val_macro_f1")));
            } catch (NumberFormatException e) {
                throw new GraftException("metrics file " + where + " has a value that is not a "
                        + "number: " + lines[ln], e);
            }
        }
        return out;
    }

    private static String field(String[] f, Map<String, Integer> col, String key) {
        Integer i = col.get(key);
        return i == null || i >= f.length ? "" : f[i];
    }

    private static double value(String[] f, Map<String, Integer> col, String key) {
        String s = field(f, col, key).trim();
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }

    /** Shortest round-trip digits, without an exponent or trailing zeros (0.000264, not 2.64E-4; 11, not 11.0); empty for NaN. */
    private static String num(double v) {
        if (Double.isNaN(v)) return "";
        return Double.isInfinite(v) ? Double.toString(v) : BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** A learning rate to 10 significant digits: without the float noise of the schedule's arithmetic. */
    private static double rate(double lr) {
        return Double.isFinite(lr) && lr != 0 ? new BigDecimal(lr).round(new MathContext(10)).doubleValue() : lr;
    }
}
