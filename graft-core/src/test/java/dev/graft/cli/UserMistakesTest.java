package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.testutil.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes a new user made in a trial, and what Graft answers: a class that is not in the data
 * given to evaluate, train, compare or lr-find, and a file given as train's --out, are usage errors in one sentence (exit 2);
 * predict, like train and evaluate, skips an unreadable image, names it, and predicts the rest.
 */
class UserMistakesTest {
    @TempDir
    static Path tmp;
    static Path run;
    static Path data;

    @BeforeAll
    static void setUp() throws IOException {
        run = TestImages.savedAntBeeModel(tmp.resolve("run"), 5);
        data = TestImages.classFolders(tmp.resolve("data"), 7, 3, "ant", "bee");
    }

    @Test
    void evaluateOnAClassNotInTheDataNamesTheClasses() {
        CliConventionsTest.Out r = CliConventionsTest.exec("evaluate", "--model", run.toString(), data.toString(),
                "--classes", "purple");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("graft: class 'purple' given in --classes is not in the data; the classes are ant, bee."),
                r.err());
        assertNull(ErrorSweepTest.problem(r), r.err());
        assertFalse(r.err().contains("--debug"), r.err());
    }

    @Test
    void trainCompareAndLrFindOnAClassNotInTheDataAreUsageErrors() {
        for (String command : List.of("train", "compare", "lr-find")) {
            Path out = tmp.resolve("wrong-class-" + command);
            List<String> args = new java.util.ArrayList<>(List.of(command, data.toString(), "--weights", "none",
                    "--classes", "ant,purple"));
            if (!command.equals("lr-find")) args.addAll(List.of("--epochs", "1", "--out", out.toString()));
            CliConventionsTest.Out r = CliConventionsTest.exec(args.toArray(String[]::new));
            assertEquals(2, r.code(), command + ": " + r.all());
            assertTrue(r.err().contains("graft: class 'purple' given in --classes is not in the data; the classes are ant, bee."),
                    r.err());
            assertTrue(r.err().contains("Try 'graft " + command + " --help'"), r.err());
            assertNull(ErrorSweepTest.problem(r), r.err());
            assertFalse(Files.exists(out), command + " leaves no run folder");
        }
    }

    @Test
    void demoOnAFolderWithoutFashionMnistSaysSoBeforeAnything() {
        Path out = tmp.resolve("demo-out");
        CliConventionsTest.Out r = CliConventionsTest.exec("demo", "--data", data.toString(), "--out", out.toString());
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("has no Fashion-MNIST IDX files") && !r.all().contains("built-in subset:"), r.all());
        assertFalse(Files.exists(out), r.all());
        r = CliConventionsTest.exec("demo", "--data", tmp.resolve("not-there").toString(), "--out", out.toString());
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("not-there does not exist"), r.all());
    }

    @Test
    void aMissingArgumentOrOptionIsNamedInPlainWords() {
        CliConventionsTest.Out r = CliConventionsTest.exec("predict", "--model", run.toString());
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().startsWith("graft: missing the IMAGE argument."), r.err());
        r = CliConventionsTest.exec("serve");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().startsWith("graft: missing the --model option."), r.err());
    }

    @Test
    void trainRefusesAFileAsOut() throws IOException {
        Path file = data.resolve("ant").resolve("ant0.png");
        byte[] before = Files.readAllBytes(file);
        CliConventionsTest.Out r = CliConventionsTest.exec("train", data.toString(), "--weights", "none", "--out",
                file.toString(), "--epochs", "1");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("graft: --out " + file + " is a file, not a folder."), r.err());
        assertNull(ErrorSweepTest.problem(r), r.err());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(file)), "the file is left as it was");
    }

    @Test
    void predictSkipsAnUnreadableImageAndPredictsTheRest() throws IOException {
        Path folder = tmp.resolve("predict");
        TestImages.classFolders(folder, 9, 2, "x");
        Path broken = folder.resolve("x").resolve("broken.jpg");
        Files.writeString(broken, "not an image");
        for (String format : List.of("plain", "--csv", "--json")) {
            CliConventionsTest.Out r = format.equals("plain")
                    ? CliConventionsTest.exec("predict", "--model", run.toString(), folder.toString())
                    : CliConventionsTest.exec("predict", "--model", run.toString(), format, folder.toString());
            assertEquals(0, r.code(), format + ": " + r.all());
            assertTrue(r.err().contains("warning: skipped " + broken + ": "), format + ": " + r.err());
            assertFalse(r.err().contains("graft: "), format + ": " + r.err());
            for (String ok : List.of("x0.png", "x1.png")) assertTrue(r.out().contains(ok), format + ": " + r.out());
            if (format.equals("--json")) {
                var o = com.google.gson.JsonParser.parseString(r.out()).getAsJsonObject();
                assertEquals(3, o.getAsJsonArray("predictions").size(), r.out());
            }
            if (format.equals("--csv")) { // the unreadable image has its row, with only the error filled in
                List<String> rows = r.out().lines().filter(l -> l.startsWith(broken + ",")).toList();
                assertEquals(1, rows.size(), r.out());
                assertTrue(rows.get(0).startsWith(broken + ",,,,," + broken + ": "), rows.get(0));
            }
        }
        Path bad = tmp.resolve("allbad");
        Files.createDirectories(bad);
        Files.writeString(bad.resolve("a.jpg"), "text");
        Files.writeString(bad.resolve("b.png"), "text");
        CliConventionsTest.Out none = CliConventionsTest.exec("predict", "--model", run.toString(), bad.toString());
        assertEquals(1, none.code(), none.all());
        assertTrue(none.err().contains("graft: none of the 2 images could be read."), none.err());
        assertNull(ErrorSweepTest.problem(none), none.err());
    }
}
