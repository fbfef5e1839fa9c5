package dev.graft.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import dev.graft.io.TorchFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * libtorch operators that DJL 0.36's JNI does not expose: the fused SiLU, Hardswish and
 * Hardsigmoid kernels, in-place ReLU and ReLU6, and casts to and from bfloat16 (DJL's own cast
 * aborts the JVM for bfloat16). Each is the forward of a one-line TorchScript module that
 * Graft writes itself, in the archive layout {@code torch.jit.save} uses, and loads once; a
 * call costs a few microseconds on top of the kernel. Autograd records them as PyTorch does
 * ({@code torch.relu_} under autograd is torchvision's {@code ReLU(inplace=True)}).
 */
public final class ScriptOps {
    private ScriptOps() {}

    /** Op name -> TorchScript body of {@code forward(self, x: Tensor) -> Tensor}. */
    private static final Map<String, String> BODIES = Map.of(
            "relu_", "torch.relu_(x)",
            "relu6_", "torch.hardtanh_(x, 0., 6.)",
            "silu", "torch.silu(x)",
            "hardswish", "torch.hardswish(x)",
            "hardsigmoid", "torch.hardsigmoid(x)",
            "to_bfloat16", "torch.to(x, 15)", // ScalarType 15 = bfloat16
            "to_float32", "torch.to(x, 6)"); // 6 = float32

    private static final Map<String, PtSymbolBlock> MODULES = new ConcurrentHashMap<>();

    public static NDArray relu_(NDArray x) { return call("relu_", x); }

    public static NDArray relu6_(NDArray x) { return call("relu6_", x); }

    public static NDArray silu(NDArray x) { return call("silu", x); }

    public static NDArray hardswish(NDArray x) { return call("hardswish", x); }

    public static NDArray hardsigmoid(NDArray x) { return call("hardsigmoid", x); }

    /** A bfloat16 copy; DJL reports the data type of such arrays as unknown. */
    public static NDArray toBfloat16(NDArray x) { return call("to_bfloat16", x); }

    public static NDArray toFloat32(NDArray x) { return call("to_float32", x); }

    private static NDArray call(String op, NDArray x) {
        PtSymbolBlock module = MODULES.computeIfAbsent(op, ScriptOps::load);
        // the NDList form runs under the caller's grad mode, so autograd records the op
        NDArray y = IValueUtils.forward(module, new NDList(x), JniUtils.isGradMode()).get(0);
        y.attach(x.getManager());
        return y;
    }

    private static PtSymbolBlock load(String op) {
        String cls = "Graft_" + op;
        String source = "class " + cls + "(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  def forward(self: __torch__." + cls + ", x: Tensor) -> Tensor:\n"
                + "    return " + BODIES.get(op) + "\n";
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("data.pkl", pickleModule(cls));
        records.put("code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
        records.put("constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'}); // an empty tuple
        records.put("version", "3\n".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        try {
            TorchFiles.writeArchive(archive, cls, records);
            return JniUtils.loadModule((PtNDManager) Engine.root(), new ByteArrayInputStream(archive.toByteArray()),
                    false, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The module object as torch.jit.save pickles it (protocol 2): {@code __torch__.CLS} built
     * with the one attribute {@code training = False}.
     */
    private static byte[] pickleModule(String cls) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x80); // PROTO 2
        b.write(2);
        b.writeBytes(("c__torch__\n" + cls + "\n").getBytes(StandardCharsets.US_ASCII)); // GLOBAL
        b.write(')'); // EMPTY_TUPLE
        b.write(0x81); // NEWOBJ
        b.write('}'); // EMPTY_DICT
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        b.write('X'); // BINUNICODE, 4-byte little-endian length
        b.writeBytes(new byte[] {(byte) key.length, 0, 0, 0});
        b.writeBytes(key);
        b.write(0x89); // NEWFALSE
        b.write('s'); // SETITEM
        b.write('b'); // BUILD
        b.write('.'); // STOP
        return b.toByteArray();
    }
}
