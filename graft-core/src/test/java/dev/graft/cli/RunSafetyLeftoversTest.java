package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.testutil.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A {@code graft train} that fails before it starts training leaves no run folder behind when
 * the folder is new (no {@code .lock}, no empty {@code checkpoints/}); a folder that existed
 * before (the user's empty folder, a run being resumed) is never removed.
 */
class RunSafetyLeftoversTest {
    @TempDir
    static Path tmp;
    static Path data, many;

    @BeforeAll
    static void setUp() throws IOException {
        data = TestImages.classFolders(tmp.resolve("data"), 17, 4, "ant", "bee");
        many = TestImages.classFolders(tmp.resolve("many"), 19, 25, "ant", "bee"); // enough images for the LR finder
        Files.writeString(tmp.resolve("notes.txt"), "not a folder of images");
        Files.createDirectories(tmp.resolve("empty"));
        for (String c : List.of("ant", "bee")) { // listed as images, none can be decoded: found only while training
            Files.createDirectories(tmp.resolve("unreadable").resolve(c));
            for (int i = 0; i < 4; i++) Files.writeString(tmp.resolve("unreadable").resolve(c).resolve(i + ".jpg"), "not an image");
        }
        CliConventionsTest.Out r = CliConventionsTest.exec(args(List.of("train", "DATA", "--weights", "none", "--image-size",
                "32", "--epochs", "1", "--batch-size", "2", "--lr", "0.01"), tmp.resolve("runs").resolve("earlier")));
        assertEquals(0, r.code(), r.all());
    }

    static Stream<Arguments> failures() {
        String d = "DATA";
        return Stream.of(
                Arguments.of("missing-data", List.of("train", "MISSING", "--weights", "none")),
                Arguments.of("file-as-data", List.of("train", "FILE", "--weights", "none")),
                Arguments.of("empty-data", List.of("train", "EMPTY", "--weights", "none")),
                Arguments.of("unknown-class", List.of("train", d, "--weights", "none", "--classes", "ant,nope")),
                Arguments.of("missing-weights", List.of("train", d, "--weights", "/nonexistent.pth")),
                Arguments.of("unknown-group", List.of("train", "MANY", "--weights", "none", "--image-size", "32",
                        "--strategy", "partial", "--unfreeze-from", "layer9")),
                // past every input check, failing in the first epoch, before the first checkpoint
                Arguments.of("unreadable-data", List.of("train", "UNREADABLE", "--weights", "none", "--image-size", "32",
                        "--lr", "0.01")),
                Arguments.of("diverged", List.of("train", d, "--weights", "none", "--image-size", "32", "--epochs", "1",
                        "--batch-size", "2", "--lr", "1e9")));
    }

    private static String[] args(List<String> given, Path out) {
        List<String> a = new ArrayList<>();
        for (String s : given) {
            a.add(switch (s) {
                case "DATA" -> data.toString();
                case "MANY" -> many.toString();
                case "MISSING" -> tmp.resolve("no-such-folder").toString();
                case "FILE" -> tmp.resolve("notes.txt").toString();
                case "EMPTY" -> tmp.resolve("empty").toString();
                case "UNREADABLE" -> tmp.resolve("unreadable").toString();
                default -> s;
            });
        }
        a.addAll(List.of("--workers", "0", "--out", out.toString()));
        return a.toArray(String[]::new);
    }

    @Test
    void aHeadWithoutWeightsIsWarnedAboutItsRandomFrozenBackbone() {
        for (String strategy : List.of("head", "scratch")) {
            Path out = tmp.resolve("runs").resolve("nowt-" + strategy);
            CliConventionsTest.Out r = CliConventionsTest.exec(args(List.of("train", "DATA", "--weights", "none",
                    "--strategy", strategy, "--recipe", "tutorial", "--epochs", "1", "--image-size", "16"), out));
            assertEquals(0, r.code(), r.all());
            assertEquals(strategy.equals("head"), r.all().contains("freezes a randomly initialised backbone"), r.all());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void aNewRunThatFailsBeforeTrainingLeavesNoFolder(String name, List<String> given) {
        Path out = tmp.resolve("runs").resolve(name);
        CliConventionsTest.Out r = CliConventionsTest.exec(args(given, out));
        assertNotEquals(0, r.code(), r.all());
        assertFalse(r.all().contains("Exception"), r.all());
        assertFalse(Files.exists(out), out + " was left behind after: " + r.all());
        if (name.equals("unknown-group")) {
            assertTrue(r.all().contains("layer9"), r.all());
            assertFalse(r.all().contains("finding the learning rate"), "the finder ran before the group was checked: " + r.all());
        }
    }

    /**
     * Bad input to --overwrite is refused before anything of the earlier run is removed, and a new
     * run that fails before its first checkpoint (no image readable, divergence) puts it back.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void anOverwriteWithBadInputKeepsTheEarlierRun(String name, List<String> given) throws IOException {
        Path earlier = copy(tmp.resolve("runs").resolve("earlier"), tmp.resolve("runs").resolve("overwrite-" + name));
        List<String> files = List.of("model.safetensors", "run.json", "metrics.csv");
        List<byte[]> before = new ArrayList<>();
        for (String f : files) before.add(Files.readAllBytes(earlier.resolve(f)));
        List<String> a = new ArrayList<>(List.of(args(given, earlier)));
        a.add("--overwrite");
        CliConventionsTest.Out r = CliConventionsTest.exec(a.toArray(String[]::new));
        assertNotEquals(0, r.code(), r.all());
        List<String> err = r.err().strip().lines().toList();
        String last = err.get(err.size() - 1);
        assertTrue(last.endsWith(".") && !last.contains("Exception"), r.all());
        assertFalse(r.all().contains("removed the earlier run"), r.all());
        for (int i = 0; i < files.size(); i++) {
            assertTrue(Files.exists(earlier.resolve(files.get(i))), files.get(i) + " was removed by: " + r.all());
            assertArrayEquals(before.get(i), Files.readAllBytes(earlier.resolve(files.get(i))), files.get(i));
        }
    }

    @Test
    void aFolderThatExistedBeforeIsKept() throws IOException {
        Path mine = Files.createDirectories(tmp.resolve("my-empty-folder"));
        CliConventionsTest.Out r = CliConventionsTest.exec(args(List.of("train", "DATA", "--weights", "/nonexistent.pth"), mine));
        assertNotEquals(0, r.code(), r.all());
        assertTrue(Files.isDirectory(mine), r.all());

        // a finished run whose resume fails (its data is gone) keeps all its files
        Path images = TestImages.classFolders(tmp.resolve("moved"), 18, 4, "ant", "bee");
        Path run = tmp.resolve("runs").resolve("finished");
        CliConventionsTest.Out trained = CliConventionsTest.exec("train", images.toString(), "--weights", "none", "--workers", "0",
                "--image-size", "32", "--epochs", "1", "--batch-size", "2", "--lr", "0.01", "--out", run.toString());
        assertEquals(0, trained.code(), trained.all());
        List<String> before = list(run);
        try (var walk = Files.walk(images)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        CliConventionsTest.Out resumed = CliConventionsTest.exec("train", "--resume", run.toString(), "--epochs", "2");
        assertNotEquals(0, resumed.code(), resumed.all());
        assertEquals(before, list(run), resumed.all());
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) Files.copy(p, to.resolve(from.relativize(p).toString()));
        }
        return to;
    }

    private static List<String> list(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
