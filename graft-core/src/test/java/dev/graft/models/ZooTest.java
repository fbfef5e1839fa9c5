package dev.graft.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.graft.io.TensorData;
import dev.graft.nn.Linear;
import dev.graft.nn.Module;
import dev.graft.nn.StochasticDepth;
import dev.graft.testutil.ModelFixtures;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The zoo's descriptors against what torchvision 0.14 publishes (file names, accuracy,
 * presets, parameter counts, DEFAULT), written by the fixture script from torchvision's own
 * weights enums; and the structural checks the parity test runs on each built model.
 */
class ZooTest {
    static String[] archs() { return ModelParityTest.ARCHS; }

    static JsonObject meta(String arch) throws Exception {
        return JsonParser.parseString(Files.readString(ModelFixtures.forArch(arch).resolve(arch + "-meta.json")))
                .getAsJsonObject();
    }

    @ParameterizedTest
    @MethodSource("archs")
    void weightsMatchTorchvision(String arch) throws Exception {
        ModelFixtures.prepare(ModelParityTest.ARCHS);
        JsonObject meta = meta(arch);
        ModelSpec spec = Zoo.get(arch);
        assertEquals(meta.get("num_params").getAsLong(), spec.parameters(), arch + " parameters");
        assertEquals(meta.get("default").getAsString(), spec.defaultWeights().tag(), arch + " DEFAULT");
        int published = 0;
        for (var e : meta.getAsJsonArray("weights")) {
            JsonObject w = e.getAsJsonObject();
            if (Double.isNaN(w.get("acc1").getAsDouble())) continue; // vgg16 IMAGENET1K_FEATURES: no classifier
            published++;
            WeightsSpec ours = spec.weights(w.get("tag").getAsString());
            assertNotNull(ours, arch + " " + w.get("tag"));
            String file = w.get("file").getAsString();
            if (arch.equals("efficientnet_b0")) {
                // torchvision 0.15 re-published B0 as -7f5810bc.pth (0.14: -3dd342df.pth); the zoo has the current one
                assertEquals(file.substring(0, file.lastIndexOf('-')), ours.fileName().substring(0, ours.fileName().lastIndexOf('-')));
            } else {
                assertEquals(file, ours.fileName());
            }
            assertEquals(w.get("acc1").getAsDouble(), ours.acc1(), 1e-9, ours.name());
            assertEquals(w.get("acc5").getAsDouble(), ours.acc5(), 1e-9, ours.name());
            assertEquals(w.get("resize").getAsInt(), ours.resize(), ours.name());
            assertEquals(w.get("crop").getAsInt(), ours.crop(), ours.name());
            assertEquals(w.get("interpolation").getAsString(), ours.interpolation(), ours.name());
            assertEquals(w.get("num_params").getAsLong(), spec.parameters(), ours.name());
            assertTrue(ours.sha256Prefix().length() >= 8, ours.name());
        }
        assertEquals(published, spec.weights().size(), arch + " number of published classifier weights");
    }

    @Test
    void adaptersLeaveCurrentKeysAlone() {
        TensorData t = TensorData.ofLong(1);
        Map<String, TensorData> resnet = Map.of("layer1.0.conv1.weight", t);
        assertEquals(resnet, Zoo.get("resnet18").adaptStateDict(resnet));
        var current = Map.of("features.denseblock1.denselayer1.norm1.weight", t, "features.norm0.weight", t);
        assertEquals(current, Zoo.get("densenet121").adaptStateDict(current));
        var old = Zoo.get("densenet121").adaptStateDict(Map.of("features.denseblock2.denselayer10.conv.2.weight", t));
        assertEquals(List.of("features.denseblock2.denselayer10.conv2.weight"), new ArrayList<>(old.keySet()));
    }

    /**
     * Every parameter belongs to exactly one group, groups follow the parameters from input to
     * output, every listed path has parameters (so freezing it works), and the last group is
     * the head: the Linear at {@code headPath} with {@code numFeatures} inputs.
     */
    static void assertGroupsPartitionParameters(ModelSpec spec, ImageModel model) {
        List<String> names = new ArrayList<>(spec.groups().keySet());
        assertEquals("head", names.get(names.size() - 1), spec.name() + " last group");
        assertEquals(List.of(spec.headPath()), spec.group("head"), spec.name() + " head group");
        Linear head = assertInstanceOf(Linear.class, model.get(spec.headPath()), spec.name() + " head");
        assertEquals(model.numFeatures(), head.inFeatures, spec.name() + " head in-features");
        int previous = 0;
        for (String param : model.namedParameters().keySet()) {
            int found = -1;
            for (int g = 0; g < names.size(); g++) {
                for (String prefix : spec.group(names.get(g))) {
                    if (param.startsWith(prefix + ".")) {
                        assertEquals(-1, found, spec.name() + ": " + param + " is in two groups");
                        found = g;
                    }
                }
            }
            assertTrue(found >= 0, spec.name() + ": " + param + " is in no group");
            assertTrue(found >= previous, spec.name() + ": groups out of order at " + param);
            previous = found;
        }
        for (List<String> prefixes : spec.groups().values()) {
            for (String prefix : prefixes) {
                assertTrue(model.namedParameters().keySet().stream().anyMatch(k -> k.startsWith(prefix + ".")),
                        spec.name() + ": group path " + prefix + " has no parameters");
            }
        }
    }

    /** Stochastic-depth probabilities per block, in module order, as torchvision sets them. */
    static void assertStochasticDepthAsTorchvision(String arch, Module model) throws Exception {
        JsonArray want = meta(arch).getAsJsonArray("stochastic_depth");
        List<Double> got = new ArrayList<>();
        for (Module m : model.namedModules().values()) if (m instanceof StochasticDepth sd) got.add(sd.p);
        assertEquals(want.size(), got.size(), arch + " stochastic depth modules");
        for (int i = 0; i < got.size(); i++) assertEquals(want.get(i).getAsDouble(), got.get(i), 1e-12, arch + " block " + i);
    }
}
