package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.testutil.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad recipe value on the command line is a usage error: exit 2, one sentence naming the
 * option (plus picocli's pointer to --help), and no run directory, because the typed recipe
 * is checked before any data is listed or any file is written.
 */
class RecipeOptionsTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void images() throws Exception {
        data = TestImages.classFolders(tmp.resolve("data"), 2, 3, "ant", "bee");
    }

    @Test
    void everyBadValueExitsTwoWithOneSentenceAndNoRunDirectory() {
        String[][] bad = {
            {"--optimizer", "lbfgs"}, {"--schedule", "warm"}, {"--augment", "heavy"}, {"--bn", "sometimes"},
            {"--head", "mlp:big"}, {"--head", "conv"}, {"--strategy", "everything"}, {"--strategy", "head,finetune"},
            {"--epochs", "0"}, {"--epochs", "-3"}, {"--epochs", "ten"}, {"--lr", "-0.1"}, {"--lr", "NaN"},
            {"--lr", "Infinity"}, {"--batch-size", "0"}, {"--precision", "fp16"}, {"--warmup-epochs", "-1"},
            {"--image-size", "60000"}, {"--batch-size", "2000000000"}, {"--lr", "0"}, {"--image-size", "5"}, {"--lr", "abc"},
            {"--cache-features"}, {"--arch", "resnet7"}, {"--val-split", "1.5"}, {"--recipe", "fast"}, {"--per-class", "0"},
            {"--strategy", "partial", "--unfreeze-from", "layer9"}};
        for (String[] b : bad) {
            Path out = tmp.resolve("run-" + String.join("", b).replaceAll("[^a-z0-9]", ""));
            List<String> args = new ArrayList<>(List.of("train", data.toString(), "--out", out.toString()));
            args.addAll(List.of(b));
            CliConventionsTest.Out r = CliConventionsTest.exec(args.toArray(String[]::new));
            String what = String.join(" ", b);
            assertEquals(2, r.code(), what + ":\n" + r.all());
            List<String> lines = r.err().strip().lines().toList();
            // the sentence names the option or the value
            assertTrue(lines.size() <= 2 && lines.get(0).startsWith("graft: ")
                    && (lines.get(0).contains(b[0]) || lines.get(0).contains(b[b.length - 1]))
                    && (lines.size() == 1 || lines.get(1).startsWith("Try 'graft train --help'")), what + ":\n" + r.err());
            assertFalse(r.all().contains("Exception") || r.all().contains("\tat "), what + ":\n" + r.all());
            assertFalse(r.all().matches("(?s).*not an? (double|int)\\b.*"), what + ": Java type words:\n" + r.all());
            assertFalse(lines.get(0).startsWith("graft: " + b[0] + ": " + b[0]), what + ": the option twice:\n" + r.all());
            assertFalse(Files.exists(out), what + " left a run directory");
            assertFalse(r.all().contains("train ") && r.all().contains("images"), what + " listed the data:\n" + r.all());
        }
    }

    @Test
    void helpListsTheChoices() {
        String help = CliConventionsTest.exec("train", "--help").out();
        for (String s : List.of("head, finetune, partial, scratch", "sgd, adam, adamw",
                "step, multistep, cosine, onecycle, plateau, none", "auto, frozen, train, eval")) {
            assertTrue(help.replaceAll("\\s+", " ").contains(s), s + " missing from:\n" + help);
        }
    }

    @Test
    void trainShowsOneStrategyAndCompareStillTakesSeveral() {
        for (String command : List.of("train", "lr-find", "compare")) {
            String help = CliConventionsTest.exec(command, "--help").out();
            assertTrue(help.contains("--strategy=STRATEGY "), command + ":\n" + help);
            assertFalse(help.contains("STRATEGY["), command + " shows --strategy as a list:\n" + help);
        }
        CompareCommand compare = new CompareCommand();
        new picocli.CommandLine(compare).parseArgs(data.toString(), "--strategy", "head,finetune");
        assertEquals(List.of(dev.graft.train.Strategy.HEAD, dev.graft.train.Strategy.FINETUNE), compare.options.strategies());
        TrainCommand train = new TrainCommand();
        new picocli.CommandLine(train).parseArgs(data.toString(), "--strategy", "head");
        assertEquals(dev.graft.train.Strategy.HEAD, train.options.recipe(data.toString()).strategy());
    }

    @Test
    void lrFindListsOnlyTheOptionsTheSweepUses() {
        String help = CliConventionsTest.exec("lr-find", "--help").out();
        for (String unused : List.of("--lr=", "--schedule=", "--step-size=", "--gamma=", "--warmup-epochs=", "--class-weights=",
                "--sampler=", "--monitor=", "--patience=", "--cache-views=", "--precision=")) {
            assertFalse(help.contains(unused), unused + " is listed by lr-find, which ignores it:\n" + help);
        }
        for (String used : List.of("--strategy=", "--epochs=", "--batch-size=", "--optimizer=", "--weight-decay=", "--plot=")) {
            assertTrue(help.contains(used), used + " missing from:\n" + help);
        }
        assertTrue(help.replaceAll("\\s+", " ").contains("graft train's others (--lr, --schedule"), help);
        assertTrue(help.replaceAll("\\s+", " ").contains("--eval-full-image changes the sweep only with --augment none"), help);
        assertFalse(help.contains("shown below"), "lr-find's help shows no tutorial defaults below:\n" + help);
        assertTrue(CliConventionsTest.exec("train", "--help").out().contains("--lr="), "train still takes --lr");

        CliConventionsTest.Out r = CliConventionsTest.exec("lr-find", data.toString(), "--lr", "0.1");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().startsWith("graft: lr-find sweeps the learning rate itself; --lr is a graft train option.\n"),
                r.err());
        assertNull(ErrorSweepTest.problem(r), r.err());
        r = CliConventionsTest.exec("lr-find", data.toString(), "--patience=3");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().startsWith("graft: --patience does not change lr-find's sweep; it is a graft train option."), r.err());
        r = CliConventionsTest.exec("lr-find", data.toString(), "--lrr", "0.1");
        assertTrue(r.err().contains("'--lrr'"), "a typo is still a typo: " + r.err());
    }

    @Test
    void choicesIgnoreCase() {
        Path out = tmp.resolve("never");
        // valid in any case: fails only later, on the epochs, still before any file
        CliConventionsTest.Out r = CliConventionsTest.exec("train", data.toString(), "--out", out.toString(),
                "--strategy", "PARTIAL", "--optimizer", "AdamW", "--schedule", "OneCycle", "--bn", "EVAL", "--epochs", "0");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("--epochs"), r.err());
    }

    @Test
    void partialDefaultsToTheLastLayerGroup() {
        TrainCommand train = new TrainCommand();
        new picocli.CommandLine(train).parseArgs(data.toString(), "--strategy", "partial");
        assertEquals("layer4", train.options.recipe(data.toString()).unfreezeFrom());
        train = new TrainCommand();
        new picocli.CommandLine(train).parseArgs(data.toString(), "--strategy", "partial", "--arch", "mobilenet_v2");
        String last = RecipeOptions.lastGroup("mobilenet_v2");
        assertTrue(last != null && !last.equals(dev.graft.models.ModelSpec.HEAD_GROUP), last);
        assertEquals(last, train.options.recipe(data.toString()).unfreezeFrom());
        train = new TrainCommand();
        new picocli.CommandLine(train).parseArgs(data.toString(), "--strategy", "partial", "--unfreeze-from", "layer3");
        assertEquals("layer3", train.options.recipe(data.toString()).unfreezeFrom());
    }
}
