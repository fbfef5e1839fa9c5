package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.models.ImageModel;
import dev.graft.nn.Precision;
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
        try {
            model.setBfloat16Inference(Precision.parse(precision) == Precision.BF16);
        } catch (GraftException e) {
            throw new CommandLine.ParameterException(commandLine, e.getMessage());
        }
    }
}
