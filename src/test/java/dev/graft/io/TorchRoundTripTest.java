package dev.graft.io;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.graft.io.IoFixtures.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Files Graft writes must load in PyTorch's own {@code torch.load} bit-identical to what
 * PyTorch wrote in the first place. Skipped where /usr/bin/python3 with torch is absent.
 */
class TorchRoundTripTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsTorch() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "no /usr/bin/python3");
        assumeTrue(python("import torch; print('OK')").equals("OK"), "python3 has no torch");
    }

    @Test
    void stateDictWrittenByGraftLoadsInTorchBitIdentical() throws Exception {
        for (String source : List.of("state.pth", "state_legacy.pth")) {
            Path out = tmp.resolve("graft_" + source);
            TorchFiles.write(out, TorchFiles.read(file(source)));
            String result = python("""
                    import sys, zipfile, torch
                    ref = torch.load(sys.argv[1]); got = torch.load(sys.argv[2])
                    ints = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64}
                    bits = lambda t: t.contiguous().view(ints[t.element_size()])
                    assert list(ref) == list(got), 'key order'
                    for k in ref:
                        a, b = ref[k], got[k]
                        assert a.dtype == b.dtype and a.shape == b.shape, k
                        assert torch.equal(bits(a), bits(b)), k
                        assert b.is_contiguous(), k
                    for i in zipfile.ZipFile(sys.argv[2]).infolist():
                        assert i.compress_type == 0, i.filename
                        start = i.header_offset + 30 + len(i.filename) + len(i.extra)
                        assert start % 64 == 0, (i.filename, start)
                    print('OK')
                    """, file(source).toString(), out.toString());
            assertEquals("OK", result, source);
        }
    }

    @Test
    void checkpointWrittenByGraftLoadsInTorch() throws Exception {
        Map<String, Object> ck = new LinkedHashMap<>();
        ck.put("epoch", 12L);
        ck.put("lr", 0.01);
        ck.put("arch", "resnet18");
        ck.put("frozen", true);
        ck.put("none", null);
        ck.put("history", List.of(1L, 2.5, "x", 1L << 40, -70000L));
        ck.put("state_dict", TorchFiles.read(file("checkpoint.pth")));
        Path out = tmp.resolve("checkpoint.pth");
        TorchFiles.writeObject(out, ck);
        String result = python("""
                import sys, torch
                ck = torch.load(sys.argv[1])
                assert ck['epoch'] == 12 and ck['lr'] == 0.01 and ck['arch'] == 'resnet18', ck
                assert ck['frozen'] is True and ck['none'] is None, ck
                assert ck['history'] == [1, 2.5, 'x', 2 ** 40, -70000], ck['history']
                assert list(ck['state_dict']) == ['w', 'n'], ck['state_dict']
                assert torch.equal(ck['state_dict']['w'], torch.tensor([[1.5, -2.0]]))
                assert ck['state_dict']['n'].dtype == torch.int64 and ck['state_dict']['n'].item() == 4
                print('OK')
                """, out.toString());
        assertEquals("OK", result);
    }

    static String python(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(PYTHON.toString(), "-c", script));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroyForcibly();
        return out;
    }
}
