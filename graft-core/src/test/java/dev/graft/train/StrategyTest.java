package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.io.TensorData;
import dev.graft.models.ImageModel;
import dev.graft.models.ModelSpec;
import dev.graft.models.Zoo;
import dev.graft.nn.BatchNorm2d;
import dev.graft.nn.Linear;
import dev.graft.nn.Module;
import dev.graft.nn.Sequential;
import dev.graft.train.optim.ParamGroup;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Heads, freezing strategies and the BatchNorm policy on ResNet-18's layer groups. */
class StrategyTest {
    static ModelSpec spec = Zoo.get("resnet18");
    static ImageModel model;

    @BeforeAll
    static void build() { model = spec.build(1000); }

    @AfterAll
    static void close() { model.close(); }

    static boolean trainable(String prefix) {
        return model.namedParameters().entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .allMatch(e -> e.getValue().trainable());
    }

    static boolean frozen(String prefix) {
        return model.namedParameters().entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .noneMatch(e -> e.getValue().trainable());
    }

    static boolean bnFrozen(String path) { return ((BatchNorm2d) model.get(path)).frozenStatistics(); }

    @Test
    void headTrainsOnlyTheClassifierAndFreezesBatchNormStatistics() {
        Strategy.HEAD.apply(model, spec, null, BnPolicy.FROZEN);
        assertTrue(trainable("fc."));
        assertTrue(frozen("conv1.") && frozen("layer1.") && frozen("layer4."));
        assertEquals(512 * 1000 + 1000, model.trainableParameterCount());
        assertTrue(bnFrozen("bn1") && bnFrozen("layer4.1.bn2") && bnFrozen("layer2.0.downsample.1"));
        BnPolicy.TRAIN.apply(model);
        assertFalse(bnFrozen("bn1") || bnFrozen("layer4.1.bn2"));
    }

    @Test
    void partialUnfreezesFromAGroupOn() {
        Strategy.PARTIAL.apply(model, spec, "layer4", BnPolicy.FROZEN);
        assertTrue(frozen("conv1.") && frozen("bn1.") && frozen("layer3."));
        assertTrue(trainable("layer4.") && trainable("fc."));
        assertTrue(bnFrozen("layer3.1.bn2"));
        assertFalse(bnFrozen("layer4.0.bn1") || bnFrozen("layer4.0.downsample.1"));
        var e = assertThrows(GraftException.class, () -> Strategy.PARTIAL.apply(model, spec, "layer9", BnPolicy.FROZEN));
        assertTrue(e.getMessage().startsWith("unknown layer group 'layer9' for resnet18"), e.getMessage());
    }

    @Test
    void finetuneTrainsAllWithALowerBackboneRate() {
        Strategy.FINETUNE.apply(model, spec, null, BnPolicy.FROZEN);
        assertEquals(model.parameterCount(), model.trainableParameterCount());
        assertFalse(bnFrozen("bn1"));
        List<ParamGroup> groups = Strategy.FINETUNE.paramGroups(model, spec, 0.01, 0.1);
        assertEquals(2, groups.size());
        assertEquals(0.001, groups.get(0).lr(), 1e-15);
        assertEquals(0.01, groups.get(1).lr(), 0);
        assertEquals(List.of("fc.weight", "fc.bias"), List.copyOf(groups.get(1).params().keySet()));
        assertEquals(model.namedParameters().size(), groups.get(0).params().size() + 2);
        assertEquals(0.01, Strategy.HEAD.paramGroups(model, spec, 0.01, 0.1).get(0).lr(), 0);
        Strategy.FINETUNE.apply(model, spec, null, BnPolicy.EVAL);
        assertTrue(bnFrozen("bn1") && bnFrozen("layer4.1.bn2"));
        assertEquals(model.parameterCount(), model.trainableParameterCount());
    }

    @Test
    void headsReplaceAndPretrainedHeadsOfOtherSizesAreDropped() {
        Map<String, TensorData> imagenet = model.stateDict();
        try (ImageModel two = spec.build(1000)) {
            Linear fc = Heads.replace(two, 2);
            assertEquals(2, fc.outFeatures);
            assertEquals(512, fc.inFeatures);
            Heads.Loaded loaded = Heads.loadBackbone(two, spec, imagenet);
            assertEquals(List.of("fc.weight", "fc.bias"), loaded.droppedKeys());
            assertTrue(loaded.notice().contains("fc.weight"));
            assertEquals(imagenet.get("layer4.1.bn2.running_var").toFloats()[7],
                    two.stateDict().get("layer4.1.bn2.running_var").toFloats()[7]);

            Sequential mlp = Heads.mlp(512, new int[] {500}, 2, 0, true);
            Heads.set(two, mlp);
            assertEquals(List.of("fc.0.weight", "fc.0.bias", "fc.2.weight", "fc.2.bias"), two.namedParameters()
                    .keySet().stream().filter(k -> k.startsWith("fc.")).toList());
            Module head = two.get("fc");
            assertEquals(4, ((Sequential) head).size());
        }
    }

    static boolean allZero(ImageModel m, String key) {
        for (float v : m.stateDict().get(key).toFloats()) if (v != 0) return false;
        return true;
    }

    @Test
    void aZeroHeadZeroesOnlyTheNewHeadsLastLayer() {
        Recipe zero = Recipe.builder("data", "resnet18").zeroHead(true).build();
        try (ImageModel m = spec.build(3)) {
            Heads.forRecipe(m, zero, 3, false); // the weights' own head: kept
            assertFalse(allZero(m, "fc.weight"));
            Heads.forRecipe(m, Recipe.builder("data", "resnet18").build(), 3, true); // not asked for
            assertFalse(allZero(m, "fc.weight"));
            Heads.forRecipe(m, zero, 3, true);
            assertTrue(allZero(m, "fc.weight") && allZero(m, "fc.bias"));
            assertFalse(allZero(m, "layer4.1.conv2.weight"));
        }
        try (ImageModel m = spec.build(3)) { // an MLP head: its last Linear only, so the hidden layer still learns
            Heads.forRecipe(m, zero.toBuilder().head(Recipe.head("mlp:16")).build(), 3, true);
            assertTrue(allZero(m, "fc.2.weight") && allZero(m, "fc.2.bias"));
            assertFalse(allZero(m, "fc.0.weight"));
        }
    }
}
