package dev.graft.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.GraftException;
import dev.graft.nn.Engine;
import dev.graft.nn.Linear;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What each family declares beside its code agrees with the model it builds, for every
 * architecture of the zoo: the entry's head path is the model's, the Linear there takes
 * {@code numFeatures} inputs, a new {@code Linear(numFeatures, 3)} put in with
 * {@code replaceHead} runs and gives 3 outputs, and every layer-group path names a module.
 */
class FamilyEntriesTest {
    static Stream<String> archs() { return Zoo.all().stream().map(ModelSpec::name); }

    @ParameterizedTest
    @MethodSource("archs")
    void declaredHeadAndGroupsMatchTheBuiltModel(String arch) {
        ModelSpec spec = Zoo.get(arch);
        try (ImageModel model = spec.build(7); NDManager scope = Engine.newScope()) {
            model.eval();
            assertEquals(spec.headPath(), model.headPath(), arch + " head path");
            Linear head = assertInstanceOf(Linear.class, model.get(model.headPath()), arch + " head module");
            assertEquals(model.numFeatures(), head.inFeatures, arch + " head in-features");
            assertEquals(7, head.outFeatures, arch + " head out-features");
            for (Map.Entry<String, List<String>> g : spec.groups().entrySet()) {
                for (String path : g.getValue()) assertNotNull(model.get(path), arch + " group " + g.getKey());
            }

            NDArray x = scope.ones(new Shape(2, 3, 32, 32));
            Linear three = new Linear(model.numFeatures(), 3);
            assertSame(three, model.replaceHead(three));
            assertSame(three, model.get(spec.headPath()));
            assertArrayEquals(new long[] {2, 3}, model.forward(x).getShape().getShape(), arch + " new head output");
        }
    }

    @Test
    void everyEntryIsCompleteAndNamesAreUnique() {
        assertEquals(Zoo.all().size(), archs().distinct().count(), "architecture names");
        for (ModelSpec spec : Zoo.all()) {
            assertEquals(ModelSpec.HEAD_GROUP, List.copyOf(spec.groups().keySet()).get(spec.groups().size() - 1));
            for (WeightsSpec w : spec.weights()) {
                assertEquals(spec.name(), w.arch());
                assertEquals(WeightsSpec.BASE_URL + w.fileName(), w.url());
                assertEquals(8, w.sha256Prefix().length(), w.name());
            }
        }
        assertThrows(GraftException.class, () -> Zoo.get("resnet19"));
        assertSame(ResNet.RESNET18, Zoo.get("ResNet18"));
    }

    @Test
    void incompleteDescriptorsAreRefused() {
        assertThrows(IllegalStateException.class, () -> ModelSpec.builder("x", ResNet::resnet18)
                .weights(WeightsSpec.imagenet1kV1().file("x-0123abcd.pth").acc1(1).gflops(1)));
        assertThrows(IllegalStateException.class, () -> ModelSpec.builder("x", ResNet::resnet18).parameters(1)
                .weights(WeightsSpec.imagenet1kV1().file("x-0123abcd.pth").acc1(1).acc5(2).gflops(1)).build());
    }
}
