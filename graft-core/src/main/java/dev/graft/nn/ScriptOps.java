package dev.graft.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import dev.graft.io.TorchFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * libtorch operators that DJL 0.36's JNI does not expose: the fused SiLU, Hardswish and
 * Hardsigmoid kernels, in-place ReLU and ReLU6, and casts to and from bfloat16 (DJL's own cast
 * aborts the JVM for bfloat16). Each is the forward of a one-line TorchScript module that
 * Graft writes itself, in the archive layout {@code torch.jit.save} uses, and loads once; a
 * call costs a few microseconds on top of the kernel. Autograd records them as PyTorch does
 * ({@code torch.relu_} under autograd is torchvision's {@code ReLU(inplace=True)}).
 * {@link Function} runs longer bodies with several arguments the same way, such as an
 * optimizer's whole update of a parameter group in one call.
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

    /**
     * A TorchScript function Graft writes itself, {@code forward(self, SIGNATURE) -> RETURNS}
     * running {@code body} (TorchScript lines, not indented), compiled on first use; for work
     * outside autograd, such as optimizer updates of detached parameter views. Arguments are
     * {@code NDArray} (Tensor), {@code List<NDArray>} (List[Tensor]), {@code double} (float), {@code boolean} (bool),
     * {@code double[]} (List[float]) and {@code boolean[]} (List[bool]).
     */
    public record Function(String name, String signature, String returns, String body) {
        /** Runs the function; a returned tensor list comes back attached to {@code manager}. */
        public List<NDArray> call(NDManager manager, Object... args) {
            PtSymbolBlock module = MODULES.computeIfAbsent(name, n -> load(n, signature, returns, body));
            IValue[] in = new IValue[args.length];
            try {
                for (int i = 0; i < args.length; i++) in[i] = ivalue(args[i]);
                try (IValue out = IValueUtils.forward(module, in)) {
                    return out.isTensorList() ? List.of(out.toTensorArray((PtNDManager) manager)) : List.of();
                }
            } finally {
                for (IValue v : in) if (v != null) v.close();
            }
        }

        @SuppressWarnings("unchecked")
        private static IValue ivalue(Object arg) {
            if (arg instanceof NDArray a) return IValue.from((PtNDArray) a);
            if (arg instanceof List<?> list) {
                return IValue.listFrom(((List<NDArray>) list).toArray(PtNDArray[]::new));
            }
            if (arg instanceof Double d) return IValue.from(d.doubleValue());
            if (arg instanceof Boolean b) return IValue.from(b.booleanValue());
            if (arg instanceof double[] ds) return IValue.listFrom(ds);
            if (arg instanceof boolean[] bs) return IValue.listFrom(bs);
            throw new IllegalArgumentException("no TorchScript argument for " + arg.getClass());
        }
    }

    public static NDArray relu_(NDArray x) { return call("relu_", x); }

    public static NDArray relu6_(NDArray x) { return call("relu6_", x); }

    public static NDArray silu(NDArray x) { return call("silu", x); }

    public static NDArray hardswish(NDArray x) { return call("hardswish", x); }

    public static NDArray hardsigmoid(NDArray x) { return call("hardsigmoid", x); }

    /** A bfloat16 copy; DJL reports the data type of such arrays as unknown. */
    public static NDArray toBfloat16(NDArray x) { return call("to_bfloat16", x); }

    public static NDArray toFloat32(NDArray x) { return call("to_float32", x); }

    private static NDArray call(String op, NDArray x) {
        PtSymbolBlock module = MODULES.computeIfAbsent(op,
                o -> load(o, "x: Tensor", "Tensor", "return " + BODIES.get(o)));
        // the NDList form runs under the caller's grad mode, so autograd records the op
        NDArray y = IValueUtils.forward(module, new NDList(x), JniUtils.isGradMode()).get(0);
        y.attach(x.getManager());
        return y;
    }

    /** Compiles the module whose {@code forward} runs {@code body}. */
    private static PtSymbolBlock load(String op, String signature, String returns, String body) {
        String cls = "Graft_" + op;
        String source = "class " + cls + "(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  def forward(self: __torch__." + cls + ", " + signature + ") -> " + returns + ":\n"
                + body.indent(4);
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
