package dev.graft.cli;

import dev.graft.models.ImageModel;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --precision fp32|bf16} of the inference commands (evaluate, predict). */
final class PrecisionOption {
    @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32",
            description = "fp32, or bf16: about twice as fast on CPUs with AVX-512 BF16, logits within about 1e-2"
                    + " (default: ${DEFAULT-VALUE}).")
    String precision;

    /** Sets the model's inference precision; a bad value is a usage error. */
    void apply(ImageModel model, CommandLine commandLine) {
        switch (precision) {
            case "fp32" -> model.setBfloat16Inference(false);
            case "bf16" -> model.setBfloat16Inference(true);
            default -> throw new CommandLine.ParameterException(commandLine,
                    "--precision must be fp32 or bf16, not '" + precision + "'");
        }
    }
}
