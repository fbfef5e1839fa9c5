package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.graft.image.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ImageFolder lists the same classes, files, order and labels as torchvision's on one tree. */
class ImageFolderTest {
    @TempDir
    Path tmp;

    static void makeTree(Path root, JsonObject fixture) throws IOException {
        for (JsonElement e : fixture.getAsJsonArray("tree")) {
            JsonObject o = e.getAsJsonObject();
            Path p = root.resolve(o.get("path").getAsString());
            Files.createDirectories(p.getParent());
            if (o.get("kind").getAsString().equals("file")) Files.createFile(p);
            else Files.createSymbolicLink(p, Path.of(o.get("target").getAsString()));
        }
    }

    @Test
    void sameSamplesAsTorchvision() throws IOException {
        JsonObject fx = Fixtures.json("imagefolder.json");
        makeTree(tmp, fx);
        ImageFolder f = new ImageFolder(tmp);
        List<String> classes = new ArrayList<>();
        fx.getAsJsonArray("classes").forEach(c -> classes.add(c.getAsString()));
        assertEquals(classes, f.classes());
        List<String> expected = new ArrayList<>(), actual = new ArrayList<>();
        fx.getAsJsonArray("samples").forEach(s -> expected.add(
                s.getAsJsonArray().get(0).getAsString() + " -> " + s.getAsJsonArray().get(1).getAsInt()));
        for (int i = 0; i < f.size(); i++) actual.add(tmp.relativize(f.file(i)) + " -> " + f.label(i));
        assertEquals(expected, actual);
    }

    @Test
    void codepointOrderLikePython() {
        // U+FF21 (fullwidth A) sorts before U+1F600 in Python; UTF-16 compareTo says otherwise.
        List<String> l = new ArrayList<>(List.of("\uD83D\uDE00", "\uFF21", "b", "B", "_", "10", "2"));
        l.sort(ImageFolder.CODEPOINT_ORDER);
        assertEquals(List.of("10", "2", "B", "_", "b", "\uFF21", "\uD83D\uDE00"), l);
    }

    @Test
    void directoryLoopVisitedOnce() throws IOException {
        Files.createDirectories(tmp.resolve("a/sub"));
        Files.createDirectories(tmp.resolve("b"));
        Files.createFile(tmp.resolve("a/sub/x.jpg"));
        Files.createFile(tmp.resolve("b/y.jpg"));
        Files.createSymbolicLink(tmp.resolve("a/sub/loop"), Path.of(".."));
        ImageFolder f = new ImageFolder(tmp);
        assertEquals(2, f.size()); // a/sub/x.jpg and b/y.jpg; the loop is not entered
        assertTrue(f.file(0).endsWith("a/sub/x.jpg"));
    }

    /** The loader's shortcut (decode only the random crop's rows) gives what decode-then-transform gives. */
    @Test
    void encodedShortcutEqualsDecodeThenTransform() throws IOException {
        Path root = tmp.resolve("shortcut");
        Path fixtures = Path.of("src/test/resources/fixtures/image");
        int n = 0;
        try (var files = Files.list(fixtures)) {
            for (Path jpg : files.filter(p -> p.toString().endsWith(".jpg")).sorted().toList()) {
                Path dir = Files.createDirectories(root.resolve(n % 2 == 0 ? "a" : "b"));
                Files.copy(jpg, dir.resolve(jpg.getFileName()));
                n++;
            }
        }
        ImageFolder ds = new ImageFolder(root);
        var t = new dev.graft.data.transforms.RandomResizedCrop(24).withHorizontalFlip(0.5);
        for (int i = 0; i < ds.size(); i++) {
            for (long seed = 0; seed < 4; seed++) {
                RgbImage fast = ds.image(i, t, new java.util.SplittableRandom(seed));
                RgbImage slow = t.apply(ds.image(i), new java.util.SplittableRandom(seed));
                org.junit.jupiter.api.Assertions.assertArrayEquals(slow.pixels(), fast.pixels(), ds.source(i));
            }
        }
    }
}
