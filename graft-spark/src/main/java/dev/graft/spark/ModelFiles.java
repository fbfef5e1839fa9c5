package dev.graft.spark;

import dev.graft.GraftException;
import dev.graft.io.AtomicFiles;
import dev.graft.models.SavedModel;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A saved model's two files (model.json and model.safetensors) as bytes, so a job can ship
 * them to the executors in a Spark broadcast (sent once per executor, peer to peer) instead
 * of needing the run folder on a shared file system. {@link #key} names the model for the
 * per-executor cache: the run folder, its size and its modification time on the driver.
 */
record ModelFiles(String key, byte[] json, byte[] weights) implements Serializable {
    static ModelFiles of(SavedModel model) {
        Path dir = model.dir().toAbsolutePath();
        try {
            byte[] weights = Files.readAllBytes(model.weightsFile());
            String key = dir + "#" + weights.length + "@" + Files.getLastModifiedTime(model.weightsFile()).toMillis();
            return new ModelFiles(key, Files.readAllBytes(dir.resolve(SavedModel.META)), weights);
        } catch (IOException e) {
            throw new GraftException("cannot read the model in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes the files into a fresh local folder (the executor's temp dir) and reads the model from it. */
    SavedModel materialise() {
        try {
            Path dir = Files.createTempDirectory("graft-model-");
            AtomicFiles.write(dir.resolve(SavedModel.META), json);
            AtomicFiles.write(dir.resolve(SavedModel.WEIGHTS), weights);
            dir.toFile().deleteOnExit();
            dir.resolve(SavedModel.META).toFile().deleteOnExit();
            dir.resolve(SavedModel.WEIGHTS).toFile().deleteOnExit();
            return SavedModel.read(dir);
        } catch (IOException e) {
            throw new GraftException("cannot write the model to a local folder: " + e.getMessage(), e);
        }
    }
}
