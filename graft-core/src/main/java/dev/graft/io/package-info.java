/**
 * Weight files without the engine: {@link dev.graft.io.TorchFiles} reads and writes
 * {@code torch.save} files (zip and legacy formats, state dicts and general checkpoints),
 * {@link dev.graft.io.Safetensors} the safetensors format, {@link dev.graft.io.WeightFiles}
 * picks between them, and {@link dev.graft.io.WeightCache} finds and downloads published
 * weights in PyTorch's own cache directory. Everything speaks {@link dev.graft.io.TensorData}
 * (dtype, shape, little-endian row-major bytes); {@code nn} turns those into engine arrays.
 * Errors a user can cause (missing, truncated or foreign files, failed downloads) are one
 * {@link dev.graft.GraftException} sentence naming the file.
 */
package dev.graft.io;
