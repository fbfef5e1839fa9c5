package dev.graft.cli;

import dev.graft.io.Safetensors;
import dev.graft.io.TorchFiles;
import dev.graft.models.SavedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code graft export}: a trained model as a file PyTorch loads. The {@code .pth} is a plain
 * state dict with torchvision keys: {@code model = torchvision.models.resnet18(num_classes=N);
 * model.load_state_dict(torch.load(FILE))}.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a run's model as a PyTorch state dict (.pth) or safetensors file.",
        footer = {"", "Example:", "  graft export runs/resnet18-2026-11-23 --out cats_dogs.pth",
                "  graft export runs/resnet18-2026-11-23 --out cats_dogs.pth --overwrite   (replaces the file)",
                "", "In Python:", "  m = torchvision.models.resnet18(num_classes=2)",
                "  m.load_state_dict(torch.load('cats_dogs.pth'))"})
final class ExportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN", description = "A Graft run directory.")
    Path run;

    @Option(names = "--format", paramLabel = "FORMAT", description = "pth or safetensors (default: from the --out extension, else pth).")
    String format;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write (an existing one only"
            + " with --overwrite).")
    Path out;

    @Option(names = "--overwrite", description = "Replace --out when it exists (the new file takes its place in one step).")
    boolean overwrite;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private picocli.CommandLine.ParameterException usage(String message) {
        return new picocli.CommandLine.ParameterException(spec.commandLine(), message);
    }

    /**
     * --format, else the format the --out name's extension says, else pth (a name without an
     * extension); a contradiction or an unknown extension without --format is a usage error.
     */
    String format() {
        String name = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        String byName = name.endsWith(".safetensors") ? "safetensors" : name.endsWith(".pth") || name.endsWith(".pt") ? "pth" : null;
        if (format != null && !format.equals("pth") && !format.equals("safetensors")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--format must be pth or safetensors, not '" + format + "'.");
        }
        if (format != null && byName != null && !format.equals(byName)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--format " + format
                    + " contradicts the name " + out.getFileName() + "; give a ." + format + " name or drop --format.");
        }
        if (format == null && byName == null && name.lastIndexOf('.') > 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "export writes PyTorch (.pth) or"
                    + " safetensors files, not " + name.substring(name.lastIndexOf('.')) + "; name the output .pth or"
                    + " .safetensors.");
        }
        return format != null ? format : byName != null ? byName : "pth";
    }

    @Override
    public Integer call() {
        String format = format();
        if (Files.isDirectory(out)) throw usage("--out " + out + " is a folder; give the file to write, e.g. " + out.resolve("model." + format) + ".");
        if (Files.exists(out) && !overwrite) throw usage("--out " + out + " already exists; give another --out, or replace it with --overwrite.");
        SavedModel saved = SavedModel.read(run);
        Map<String, dev.graft.io.TensorData> state;
        try (var net = saved.load()) { // refuses NaN or infinite weights
            state = net.stateDict();
        }
        switch (format) {
            case "pth" -> TorchFiles.write(out, state);
            case "safetensors" -> Safetensors.write(out, state, Map.of("format", "pt", "arch", saved.arch(),
                    "classes", String.join("\n", saved.classes())));
            default -> throw new IllegalStateException(format);
        }
        Console.info("wrote " + out + " (" + saved.arch() + ", " + saved.classes().size() + " classes"
                + (saved.head().isLinear() ? "" : ", custom head " + saved.head()) + ")");
        return 0;
    }
}
