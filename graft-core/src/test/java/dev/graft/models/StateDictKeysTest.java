package dev.graft.models;

import dev.graft.nn.Module;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The key lists WeightsCheck compares files with are those of the zoo's models as built.
 * After a change to an architecture, regenerate them with
 * {@code mvn test -Dtest=StateDictKeysTest -Dgraft.regenerateKeys=true}.
 */
class StateDictKeysTest {
    @Test
    void listedKeysAreThoseOfTheBuiltModels() throws Exception {
        Map<String, List<String>> built = new LinkedHashMap<>();
        for (ModelSpec spec : Zoo.all()) {
            try (Module m = spec.build(1000)) {
                List<String> k = new ArrayList<>(m.namedParameters().keySet());
                k.addAll(m.namedBuffers().keySet());
                built.put(spec.name(), k);
            }
        }
        if (Boolean.getBoolean("graft.regenerateKeys")) {
            StringBuilder sb = new StringBuilder();
            built.forEach((arch, k) -> sb.append(arch).append(' ').append(String.join(" ", k)).append('\n'));
            Files.writeString(Path.of("src/main/resources/dev/graft/models", WeightsCheck.RESOURCE), sb.toString(),
                    StandardCharsets.UTF_8);
            return;
        }
        Map<String, List<String>> listed = WeightsCheck.keysOf();
        assertEquals(built.keySet(), listed.keySet(), "architectures listed in " + WeightsCheck.RESOURCE);
        built.forEach((arch, k) -> assertEquals(new java.util.HashSet<>(k), new java.util.HashSet<>(listed.get(arch)),
                arch + ": regenerate " + WeightsCheck.RESOURCE + " (see this test's Javadoc)"));
    }
}
