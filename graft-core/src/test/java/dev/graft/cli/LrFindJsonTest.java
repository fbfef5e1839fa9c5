package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.stream.JsonReader;
import dev.graft.train.AutoRecipe;
import dev.graft.train.lrfind.LrCurve;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code graft lr-find --json} is strict JSON: a sweep without a steepest point and a loss that
 * diverged to NaN or infinity are written as null, as run.json does, not as NaN tokens.
 */
class LrFindJsonTest {
    @Test
    void nonFiniteNumbersAreNull() throws IOException {
        double[] lrs = {1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10};
        double[] losses = {1, 1, 1, 1, 1, Double.POSITIVE_INFINITY, Double.NaN}; // flat, then diverges: no steepest
        LrCurve curve = new LrCurve(lrs, losses, "diverged");
        assertTrue(Double.isNaN(curve.suggestion()), "the fixture has no steepest point");
        String text = LrFindCommand.json(AutoRecipe.Found.of(curve), Path.of("sweep.png"));
        JsonReader strict = new JsonReader(new StringReader(text)); // not lenient: rejects NaN and Infinity
        JsonObject o = new Gson().getAdapter(JsonElement.class).read(strict).getAsJsonObject();
        assertTrue(o.get("steepest").isJsonNull(), text);
        assertTrue(o.getAsJsonArray("losses").get(5).isJsonNull(), text);
        assertTrue(o.getAsJsonArray("losses").get(6).isJsonNull(), text);
        assertEquals(1.0, o.getAsJsonArray("losses").get(0).getAsDouble());
        assertEquals(0.01, o.get("lr").getAsDouble());
    }
}
