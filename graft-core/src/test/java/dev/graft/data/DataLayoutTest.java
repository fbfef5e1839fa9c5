package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DATA layouts, the stratified seeded split, subsets, and the one-sentence layout errors. */
class DataLayoutTest {
    @TempDir
    Path tmp;

    private void files(Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) Files.createFile(dir.resolve(String.format("%03d.jpg", i)));
    }

    private static List<String> sources(Dataset d) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) out.add(d.source(i) + "=" + d.label(i));
        return out;
    }

    @Test
    void trainValTestLayout() throws IOException {
        files(tmp.resolve("train/cat"), 3);
        files(tmp.resolve("train/dog"), 2);
        files(tmp.resolve("val/dog"), 2); // val without cat: labelled by train's classes
        files(tmp.resolve("test/cat"), 1);
        DataSplits s = DataLayout.resolve(tmp.toString());
        assertEquals(List.of("cat", "dog"), s.classes());
        assertEquals(5, s.train().size());
        assertEquals(2, s.val().size());
        assertEquals(1, s.val().label(0));
        assertEquals(1, s.test().size());
        assertTrue(s.summary().contains("train per class: cat 3, dog 2"), s.summary());
        assertEquals("[0, 2]", java.util.Arrays.toString(s.counts().get("val")));
        assertEquals("[1, 0]", java.util.Arrays.toString(s.counts().get("test")));

        files(tmp.resolve("val/cow"), 1);
        GraftException e = assertThrows(GraftException.class, () -> DataLayout.resolve(tmp.toString()));
        assertTrue(e.getMessage().contains("is not one of the training classes"), e.getMessage());
    }

    @Test
    void singleRootIsSplitStratifiedAndSeeded() throws IOException {
        files(tmp.resolve("a"), 50);
        files(tmp.resolve("b"), 10);
        files(tmp.resolve("c"), 1);
        DataLayout.Options o = DataLayout.Options.defaults().withSeed(7);
        DataSplits s = DataLayout.resolve(tmp.toString(), o);
        assertNull(s.test());
        assertEquals(List.of(10, 2, 0), counts(s.val()));
        assertEquals(List.of(40, 8, 1), counts(s.train()));
        Set<String> all = new HashSet<>(sources(s.train()));
        all.addAll(sources(s.val()));
        assertEquals(61, all.size(), "train and val partition the data");
        assertEquals(sources(s.val()), sources(DataLayout.resolve(tmp.toString(), o).val()), "same seed, same split");
        assertTrue(!sources(s.val()).equals(sources(DataLayout.resolve(tmp.toString(), o.withSeed(8)).val())),
                "another seed, another split");
        assertEquals(List.of(13, 3, 0), counts(DataLayout.resolve(tmp.toString(), o.withValSplit(0.25)).val()));
    }

    private static List<Integer> counts(Dataset d) {
        List<Integer> out = new ArrayList<>();
        for (int c : d.classCounts()) out.add(c);
        return out;
    }

    @Test
    void perClassAndClassSubset() throws IOException {
        files(tmp.resolve("train/a"), 10);
        files(tmp.resolve("train/b"), 3);
        files(tmp.resolve("train/c"), 6);
        files(tmp.resolve("val/a"), 1);
        files(tmp.resolve("val/c"), 2);
        DataSplits s = DataLayout.resolve(tmp.toString(),
                DataLayout.Options.defaults().withClasses(List.of("c", "a")).withPerClass(4).withSeed(3));
        assertEquals(List.of("c", "a"), s.classes());
        assertEquals(List.of(4, 4), counts(s.train()));
        assertEquals(List.of(2, 1), counts(s.val()));
        for (int i = 0; i < s.train().size(); i++) {
            String cls = Path.of(s.train().source(i)).getParent().getFileName().toString();
            assertEquals(s.classes().get(s.train().label(i)), cls, "relabelled in the given order");
        }
        DataSplits again = DataLayout.resolve(tmp.toString(),
                DataLayout.Options.defaults().withClasses(List.of("c", "a")).withPerClass(4).withSeed(3));
        assertEquals(sources(s.train()), sources(again.train()));
        assertThrows(GraftException.class, () -> s.classes(List.of("a", "zebra")));
        assertThrows(GraftException.class, () -> s.classes(List.of("a")));
    }

    private String error(String spec) {
        return assertThrows(GraftException.class, () -> DataLayout.resolve(spec)).getMessage();
    }

    private static void oneSentenceWithLayout(String m) {
        assertTrue(m.startsWith("DATA must be a folder of class folders (DATA/cat/*.jpg, DATA/dog/*.jpg)"), m);
        assertTrue(m.endsWith(".") && !m.substring(0, m.length() - 1).contains(". "), "one sentence: " + m);
    }

    @Test
    void layoutErrors() throws IOException {
        Path none = tmp.resolve("none");
        String m = error(none.toString());
        oneSentenceWithLayout(m);
        assertTrue(m.contains("does not exist"), m);

        Path flat = tmp.resolve("flat");
        files(flat, 3);
        m = error(flat.toString());
        oneSentenceWithLayout(m);
        assertTrue(m.contains("holds images directly"), m);

        Path single = tmp.resolve("single");
        files(single.resolve("cat"), 3);
        m = error(single.toString());
        oneSentenceWithLayout(m);
        assertTrue(m.contains("single class folder (cat)"), m);

        Path emptyClass = tmp.resolve("emptyclass");
        files(emptyClass.resolve("cat"), 3);
        Files.createDirectories(emptyClass.resolve("dog"));
        Files.writeString(emptyClass.resolve("dog/readme.txt"), "not an image");
        m = error(emptyClass.toString());
        oneSentenceWithLayout(m);
        assertTrue(m.contains("class folder dog in") && m.contains("holds no images"), m);

        Path noImages = tmp.resolve("noimages");
        Files.createDirectories(noImages.resolve("cat"));
        Files.createDirectories(noImages.resolve("dog"));
        m = error(noImages.toString());
        oneSentenceWithLayout(m);
        assertTrue(m.contains("no images"), m);

        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty);
        m = error(empty.toString());
        oneSentenceWithLayout(m);
        assertTrue(m.contains("has no class folders"), m);

        Path emptyTrain = tmp.resolve("emptytrain");
        files(emptyTrain.resolve("train/a"), 1);
        files(emptyTrain.resolve("train/b"), 1);
        Files.createDirectories(emptyTrain.resolve("val"));
        m = error(emptyTrain.toString());
        oneSentenceWithLayout(m);
        assertTrue(m.contains("val has no class folders"), m);

        Path valOnly = tmp.resolve("valonly");
        files(valOnly.resolve("val/a"), 1);
        files(valOnly.resolve("val/b"), 1);
        m = error(valOnly.toString());
        oneSentenceWithLayout(m);
        assertTrue(m.contains("has val/ but no train/"), m);

        Path file = tmp.resolve("file.jpg");
        Files.createFile(file);
        oneSentenceWithLayout(error(file.toString()));
    }
}
