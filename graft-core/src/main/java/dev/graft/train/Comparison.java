package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.io.AtomicFiles;
import dev.graft.report.CompareRow;
import dev.graft.report.EpochRecord;
import dev.graft.report.HtmlReport;
import dev.graft.report.Plots;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Several training runs of one experiment, each with its own recipe and run directory under a
 * common folder, summarised as a table ({@code compare.md}), one plot of validation accuracy
 * per epoch for all ({@code compare.png}) and a report ({@code compare.html}): the seeds'
 * "pretrained vs from scratch" and "ResNet-18 vs EfficientNet-B0" in one go.
 */
public final class Comparison {
    private final Path dir;
    private final Consumer<String> log;
    private final Function<TrainingRun, TrainingRun> decorate;
    private final List<CompareRow> rows = new ArrayList<>();
    private final Map<String, List<EpochRecord>> curves = new LinkedHashMap<>();
    private volatile TrainingRun current;
    private volatile boolean interrupted;
    private volatile Stopped stopped;

    /** The run a Ctrl-C stopped before its last epoch: its name, folder, epochs trained and epochs it was to train. */
    public record Stopped(String name, Path dir, int epochs, int planned) { }

    /** {@code decorate} can add listeners (progress) to each run before it starts. */
    public Comparison(Path dir, Consumer<String> log, Function<TrainingRun, TrainingRun> decorate) {
        this.dir = dir;
        this.log = log;
        this.decorate = decorate;
    }

    /** Trains one entry into {@code dir/name} and adds its row. */
    public TrainingRun.Outcome add(String name, Recipe recipe) {
        log.accept("== " + name);
        TrainingRun run = decorate.apply(new TrainingRun(recipe, dir.resolve(name), log));
        current = run;
        TrainingRun.Outcome o = run.run();
        rows.add(new CompareRow(name, recipe.arch(), recipe.weights(), recipe.strategy().toString(), o.valAccuracy(), o.bestEpoch(),
                o.parameters(), o.trainSeconds(), o.imagesPerSecond()));
        curves.put(name, o.epochs());
        if (o.fit().status() == Fit.Status.INTERRUPTED) stopped = new Stopped(name, o.dir(), o.epochs().size(), run.recipe().epochs());
        return o;
    }

    /**
     * A folder name for a run: the architecture, the weights (a file or folder by its name
     * without extension) and, when given, the strategy, joined by '-' with every character
     * other than letters, digits, '.', '_' and '-' replaced by '_'; {@code taken} names get
     * "-2", "-3"... so every run has its own folder directly under the comparison's.
     */
    public static String runName(String arch, String weights, String strategy, java.util.Set<String> taken) {
        String w = weights;
        if (w.contains("/") || w.contains(java.io.File.separator) || w.contains(".")) {
            Path file = Path.of(w).getFileName();
            w = file == null ? w : file.toString();
            int dot = w.lastIndexOf('.');
            if (dot > 0) w = w.substring(0, dot);
        }
        String name = (arch + "-" + w + (strategy == null ? "" : "-" + strategy)).replaceAll("[^A-Za-z0-9._-]", "_")
                .replaceAll("^[.-]+", "");
        if (name.length() > 80) name = name.substring(0, 80);
        if (name.isEmpty()) name = "run";
        String unique = name;
        for (int i = 2; taken.stream().anyMatch(unique::equalsIgnoreCase); i++) unique = name + "-" + i;
        return unique;
    }

    /** {@link TrainingRun#leftToResume} of the run in training. */
    public String leftToResume() {
        TrainingRun r = current;
        return r != null ? r.leftToResume() : "no run has started yet";
    }

    /** Stops the run in training after its current step (from a Ctrl-C hook); no later run starts. */
    public void interrupt() {
        interrupted = true;
        TrainingRun r = current;
        if (r != null) r.interrupt();
    }

    /** Whether {@link #interrupt} was called: the caller starts no further run. */
    public boolean interrupted() { return interrupted; }

    /** The run a Ctrl-C stopped in training, or null. */
    public Stopped stopped() { return stopped; }

    public List<CompareRow> rows() { return List.copyOf(rows); }

    /** The table as markdown. */
    public String table() {
        StringBuilder b = new StringBuilder("| run | arch | weights | strategy | best val acc | best epoch | parameters"
                + " | train time (s) | train img/s |\n|---|---|---|---|---|---|---|---|---|\n");
        for (CompareRow r : rows) {
            Stopped st = stopped != null && stopped.name().equals(r.name()) ? stopped : null;
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.4f%s | %d%s | %,d | %.1f | %.0f |%n", r.name(),
                    r.arch(), r.weights(), r.strategy(), r.bestValAccuracy(),
                    r.worseThanScratch(rows) ? " (" + CompareRow.WORSE_THAN_SCRATCH + ")" : "", r.bestEpoch(),
                    st == null ? "" : " (stopped after " + st.epochs() + " of " + st.planned() + " epochs)",
                    r.parameters(), r.trainSeconds(), r.imagesPerSecond()));
        }
        return b.toString();
    }

    /** Writes compare.md, compare.png and compare.html into the comparison folder. */
    public Path write(String title) {
        try {
            byte[] md = ("# " + title + "\n\n" + table()).getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(dir.resolve("compare.md"), md);
        } catch (IOException e) {
            throw new GraftException("cannot write " + dir.resolve("compare.md") + ": " + GraftException.reason(e), e);
        }
        Plots.writePng(Plots.compareValAccuracy(curves), dir.resolve("compare.png"));
        Path html = dir.resolve("compare.html");
        new HtmlReport().title(title).subtitle(dir.toString()).comparison(rows, curves).write(html);
        return html;
    }
}
