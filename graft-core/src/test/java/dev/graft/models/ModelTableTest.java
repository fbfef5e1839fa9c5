package dev.graft.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft models}: a row per architecture, the cached flag from the cache directory, and JSON. */
class ModelTableTest {
    @Test
    void rowsAndCacheFlag(@TempDir Path cache) throws Exception {
        Files.writeString(cache.resolve("efficientnet_b0_rwightman-7f5810bc.pth"), "x");
        Files.createDirectory(cache.resolve("vgg16-397923af.pth")); // a directory is not a weights file
        ModelTable table = ModelTable.ofZoo(cache);
        assertEquals(List.of("resnet18", "resnet34", "resnet50", "vgg16", "vgg16_bn", "densenet121", "mobilenet_v2",
                "mobilenet_v3_large", "mobilenet_v3_small", "efficientnet_b0"),
                table.rows().stream().map(ModelTable.Row::arch).toList());
        ModelTable.Row b0 = table.rows().get(9);
        assertTrue(b0.cached());
        assertEquals("256/224 bicubic", b0.preset());
        assertEquals(5_288_548, b0.parameters());
        assertEquals(77.692, b0.acc1());
        assertFalse(table.rows().get(3).cached());
        ModelTable.Row v2 = table.rows().get(6);
        assertEquals("mobilenet_v2.IMAGENET1K_V2", v2.weights());
        assertEquals("232/224 bilinear", v2.preset());

        String text = table.format();
        assertEquals(11, text.lines().count());
        assertTrue(text.lines().anyMatch(l -> l.startsWith("vgg16 ") && l.contains("138,357,544") && l.contains("15.470")
                && l.endsWith("no")), text);

        JsonObject json = JsonParser.parseString(table.toJson()).getAsJsonObject();
        var models = json.getAsJsonArray("models");
        assertEquals(10, models.size());
        JsonObject last = models.get(9).getAsJsonObject();
        assertEquals("efficientnet_b0", last.get("arch").getAsString());
        assertTrue(last.get("cached").getAsBoolean());
        assertEquals(0.386, last.get("gflops").getAsDouble());
        assertEquals("efficientnet_b0_rwightman-7f5810bc.pth", last.get("file").getAsString());
    }
}
