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
        dev.graft.testutil.Reference.require(Files.isExecutable(PYTHON), "no /usr/bin/python3");
        // find_spec avoids paying for a torch import just to find out
        dev.graft.testutil.Reference.require(python("import importlib.util; print(importlib.util.find_spec('torch') is not None)").equals("True"),
                "python3 has no torch");
    }

    /**
     * One python run checks both torch files Graft wrote (from the zip and the legacy
     * fixture) and a safetensors file Graft wrote, parsed by hand per the spec.
     */
    @Test
    void filesWrittenByGraftLoadInTorchBitIdentical() throws Exception {
        Path fromZip = tmp.resolve("from_zip.pth");
        Path fromLegacy = tmp.resolve("from_legacy.pth");
        Path st = tmp.resolve("state.safetensors");
        TorchFiles.write(fromZip, TorchFiles.read(file("state.pth")));
        TorchFiles.write(fromLegacy, TorchFiles.read(file("state_legacy.pth")));
        Safetensors.write(st, TorchFiles.read(file("state.pth")), Map.of("format", "pt"));
        String result = python("""
                import json, struct, sys, zipfile, torch
                ref = torch.load(sys.argv[1])
                ints = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64}
                bits = lambda t: t.contiguous().view(ints[t.element_size()])
                def same(got, what):
                    assert list(ref) == list(got), (what, 'key order')
                    for k in ref:
                        a, b = ref[k], got[k]
                        assert a.dtype == b.dtype and a.shape == b.shape, (what, k)
                        assert torch.equal(bits(a), bits(b)), (what, k)
                for path in sys.argv[2:4]:
                    got = torch.load(path)
                    same(got, path)
                    assert all(t.is_contiguous() for t in got.values()), path
                    for i in zipfile.ZipFile(path).infolist():
                        assert i.compress_type == 0, i.filename
                        start = i.header_offset + 30 + len(i.filename) + len(i.extra)
                        assert start % 64 == 0, (i.filename, start)
                raw = open(sys.argv[4], 'rb').read()
                n = struct.unpack('<Q', raw[:8])[0]
                header = json.loads(raw[8:8 + n])
                assert header.pop('__metadata__') == {'format': 'pt'}
                names = {'F32': torch.float32, 'F16': torch.float16, 'BF16': torch.bfloat16, 'F64': torch.float64,
                         'I64': torch.int64, 'I32': torch.int32, 'U8': torch.uint8, 'BOOL': torch.bool}
                got = {}
                for k, v in header.items():
                    b, e = v['data_offsets']
                    data = bytearray(raw[8 + n + b: 8 + n + e])
                    t = torch.frombuffer(data, dtype=names[v['dtype']]) if data else torch.zeros(0, dtype=names[v['dtype']])
                    got[k] = t.reshape(v['shape'])
                same({k: got[k] for k in ref}, 'safetensors')
                print('OK')
                """, file("state.pth").toString(), fromZip.toString(), fromLegacy.toString(), st.toString());
        assertEquals("OK", result);
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
