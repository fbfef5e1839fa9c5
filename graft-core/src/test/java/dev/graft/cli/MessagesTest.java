package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.SkipList;
import dev.graft.image.ImageDecoder;
import dev.graft.io.Safetensors;
import dev.graft.io.TorchFiles;
import dev.graft.train.Fit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smaller message fixes of issue 16: one {@code warning:} prefix and one line per skipped
 * file (a damaged PNG's chunk bytes never reach the text), plain progress lines inside an
 * epoch off a terminal without the bar's unit glued to the loss, export's format taken from
 * the file name, and the IO reasons in words.
 */
class MessagesTest {
    @TempDir
    Path tmp;

    @Test
    void skippedFilesAreOneLineWithOnePrefix() throws IOException {
        // a PNG signature, then a chunk whose name holds a newline and whose length runs past the end
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 100, 'I', '\n', 'D', 'R', 1, 2};
        IOException e = assertThrows(IOException.class, () -> ImageDecoder.decode(png));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());

        List<String> warnings = new ArrayList<>();
        SkipList list = new SkipList(warnings::add);
        assertTrue(list.add("data/cat/bad\nname.png", "corrupt PNG (bad CRC in I\nDR chunk)"));
        assertFalse(list.add("data/cat/bad\nname.png", "again"));
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("skipping "), warnings.get(0));
        assertFalse(warnings.get(0).contains("\n"), warnings.get(0));
        Path txt = tmp.resolve("skipped.txt");
        list.writeTo(txt);
        assertEquals(1, Files.readAllLines(txt).size(), Files.readString(txt));

        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            new SkipList().add("x.png", "empty file");
        } finally {
            System.setErr(old);
        }
        assertEquals("warning: skipping x.png: empty file", err.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void offATerminalProgressIsPrintedInsideAPhase() {
        Console.quiet = false;
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            Progress p = new Progress(() -> 3, 0); // a line at every batch instead of every 10 s
            p.epochStart(1, null);
            p.batchEnd("train", 1, 1, 4, 0.5);
            p.batchEnd("train", 1, 2, 4, 0.3);
            p.phaseEnd(new Fit.PhaseResult("train", 1, 0.4, 0.5, 8, 1.0));
            p.batchEnd("val", 1, 1, -1, 0.2);
        } finally {
            System.setErr(old);
        }
        String out = err.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("Epoch 1/3"), out);
        assertTrue(out.contains("train 2/4 batches, loss 0.4000"), out);
        assertTrue(out.contains("train Loss: 0.4000 Acc: 0.5000"), out);
        assertTrue(out.contains("val 1 batches, loss 0.2000"), "an unknown total shows the count alone:\n" + out);
        assertFalse(out.contains("?") || out.contains("/sloss"), out);
    }

    private Path savedRun() throws IOException {
        Path run = tmp.resolve("run");
        dev.graft.nn.Rng.manualSeed(3);
        try (dev.graft.models.ImageModel model = dev.graft.models.Zoo.get("resnet18").build(2)) {
            dev.graft.models.SavedModel.write(run, model, "resnet18", List.of("ant", "bee"),
                    dev.graft.data.transforms.Preset.imagenetDefault(), dev.graft.models.HeadSpec.LINEAR, "none");
        }
        return run;
    }

    /** export replaces an existing file only with --overwrite (as train's --out), in one step. */
    @Test
    void exportRefusesAnExistingFileUnlessOverwrite() throws IOException {
        Path run = savedRun(), out = tmp.resolve("out").resolve("m.pth");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "an earlier file");
        CliConventionsTest.Out r = CliConventionsTest.exec("export", run.toString(), "--out", out.toString());
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().startsWith("graft: --out " + out + " already exists; give another --out, or replace it with"
                + " --overwrite.\n"), r.err());
        assertEquals("an earlier file", Files.readString(out));

        CliConventionsTest.Out again = CliConventionsTest.exec("export", run.toString(), "--out", out.toString(), "--overwrite");
        assertEquals(0, again.code(), again.all());
        assertEquals(2, TorchFiles.read(out).get("fc.weight").shape()[0]);
        try (var files = Files.list(out.getParent())) {
            assertEquals(List.of("m.pth"), files.map(f -> f.getFileName().toString()).toList(), "a temporary file was left");
        }

        CliConventionsTest.Out folder = CliConventionsTest.exec("export", run.toString(), "--out", tmp.toString(), "--overwrite");
        assertEquals(2, folder.code(), folder.all());
        assertTrue(folder.err().startsWith("graft: --out " + tmp + " is a folder;"), folder.err());
    }

    @Test
    void exportTakesTheFormatFromTheName() throws IOException {
        Path run = savedRun();
        Path st = tmp.resolve("m.safetensors"), pth = tmp.resolve("m.pth");
        assertEquals(0, CliConventionsTest.exec("export", run.toString(), "--out", st.toString()).code());
        assertFalse(Safetensors.read(st).isEmpty());
        assertEquals(0, CliConventionsTest.exec("export", run.toString(), "--out", pth.toString()).code());
        assertFalse(TorchFiles.read(pth).isEmpty());
        CliConventionsTest.Out clash = CliConventionsTest.exec("export", run.toString(), "--out",
                tmp.resolve("n.safetensors").toString(), "--format", "pth");
        assertEquals(2, clash.code());
        assertTrue(clash.err().contains("contradicts"), clash.err());
        assertFalse(Files.exists(tmp.resolve("n.safetensors")));
        CliConventionsTest.Out onnx = CliConventionsTest.exec("export", run.toString(), "--out", tmp.resolve("m.onnx").toString());
        assertEquals(2, onnx.code(), onnx.all());
        assertTrue(onnx.err().contains("not .onnx"), onnx.err());
        assertFalse(Files.exists(tmp.resolve("m.onnx")));
    }
}
