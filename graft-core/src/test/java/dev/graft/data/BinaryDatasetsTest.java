package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.graft.GraftException;
import dev.graft.image.RgbImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STL-10, IDX and CIFAR-10 readers give the pixels and labels torchvision's readers give. */
class BinaryDatasetsTest {
    @TempDir
    Path tmp;

    @Test
    void stl10MatchesTorchvision() throws IOException {
        JsonObject fx = Fixtures.json("stl10/stl10.json");
        Path dir = Fixtures.dir("stl10"); // parent of stl10_binary/, as torchvision's root
        for (String split : List.of("train", "test")) {
            InMemoryDataset d = Stl10.load(dir, split);
            JsonObject e = fx.getAsJsonObject(split);
            assertEquals(e.getAsJsonArray("labels").size(), d.size());
            for (int i = 0; i < d.size(); i++) {
                assertEquals(e.getAsJsonArray("labels").get(i).getAsInt(), d.label(i));
                RgbImage img = d.image(i);
                assertEquals(96, img.width());
                JsonArray px = e.getAsJsonArray("pixel_0_1").get(i).getAsJsonArray();
                for (int c = 0; c < 3; c++) assertEquals(px.get(c).getAsInt(), img.pixels()[3 + c] & 0xff);
                assertEquals(e.getAsJsonArray("sha256").get(i).getAsString(), Fixtures.sha256(img.pixels()));
            }
        }
        assertEquals(fx.getAsJsonArray("classes").get(2).getAsString(), Stl10.classNames(dir).get(2));
        assertArrayEquals(new int[] {2, 0}, Stl10.foldIndices(dir, 3));
        DataSplits s = DataLayout.resolve("stl10:" + dir, DataLayout.Options.defaults().withValSplit(0).withStl10Fold(3));
        assertEquals(2, s.train().size());
        assertEquals(Stl10.load(dir, "train").label(2), s.train().label(0));
        assertEquals(2, s.test().size());
        assertThrows(GraftException.class, () -> Stl10.foldIndices(dir, 10));
    }

    @Test
    void idxRawAndGzippedMatchTorchvision() throws IOException {
        JsonObject fx = Fixtures.json("idx/idx.json");
        Path raw = Fixtures.dir("idx");
        // the same content gzipped / raw the other way round
        Files.createDirectories(tmp.resolve("Fashion/raw"));
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(tmp.resolve("Fashion/raw/train-images-idx3-ubyte.gz")))) {
            o.write(Files.readAllBytes(raw.resolve("train-images-idx3-ubyte")));
        }
        Files.copy(raw.resolve("train-labels-idx1-ubyte.gz"), tmp.resolve("Fashion/raw/train-labels-idx1-ubyte.gz"));
        for (Path dir : List.of(raw, tmp)) {
            InMemoryDataset d = IdxDataset.load(dir, true, IdxDataset.MNIST_CLASSES, "mnist");
            assertEquals(3, d.size());
            assertEquals(5, d.width());
            assertEquals(4, d.height());
            assertEquals(1, d.channels());
            JsonArray px = fx.getAsJsonArray("pixels");
            for (int i = 0; i < 3; i++) {
                assertEquals(fx.getAsJsonArray("labels").get(i).getAsInt(), d.label(i));
                byte[] rgb = d.image(i).pixels();
                for (int p = 0; p < 20; p++) {
                    int v = px.get(i * 20 + p).getAsInt();
                    for (int c = 0; c < 3; c++) assertEquals(v, rgb[3 * p + c] & 0xff, "grey copied to RGB");
                }
            }
        }
        assertTrue(IdxDataset.present(tmp));
        GraftException e = assertThrows(GraftException.class,
                () -> IdxDataset.read(raw.resolve("train-labels-idx1-ubyte.gz"), raw.resolve("train-labels-idx1-ubyte.gz"),
                        IdxDataset.MNIST_CLASSES, "x"));
        assertTrue(e.getMessage().contains("not an IDX uint8 file with 3 dimensions"), e.getMessage());
    }

    @Test
    void debianFashionMnistFirstImage() throws IOException {
        Path dir = Path.of("/usr/share/datasets/fashion-mnist");
        dev.graft.testutil.Reference.require(Files.isRegularFile(dir.resolve("t10k-images-idx3-ubyte.gz")), "fashion-mnist not installed");
        JsonObject fx = Fixtures.json("fashion_first.json");
        DataSplits s = DataLayout.resolve("fashion-mnist:" + dir, DataLayout.Options.defaults().withValSplit(0));
        InMemoryDataset train = (InMemoryDataset) s.train();
        assertEquals(60000, train.size());
        assertEquals(10000, s.test().size());
        assertEquals(fx.get("label").getAsInt(), train.label(0));
        assertEquals(fx.get("sha256_rgb").getAsString(), Fixtures.sha256(train.image(0).pixels()));
        assertEquals("Ankle boot", s.classes().get(9));
    }

    @Test
    void cifar10MatchesTorchvisionLayout() throws IOException {
        JsonObject fx = Fixtures.json("cifar/cifar.json");
        InMemoryDataset d = Cifar10.load(Fixtures.dir("cifar"), false);
        assertEquals(2, d.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(fx.getAsJsonArray("labels").get(i).getAsInt(), d.label(i));
            assertEquals(fx.getAsJsonArray("sha256").get(i).getAsString(), Fixtures.sha256(d.image(i).pixels()));
        }
        assertEquals("cat", d.classes().get(3));
        Path bad = tmp.resolve("data_batch_1.bin");
        Files.write(bad, new byte[3000]);
        assertThrows(GraftException.class, () -> Cifar10.read(List.of(bad), Cifar10.CLASSES, "x"));
    }
}
