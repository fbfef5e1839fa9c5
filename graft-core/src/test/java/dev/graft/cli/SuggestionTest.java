package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A mistyped command or option suggests the name nearest by edit distance, or nothing when none
 * is close: {@code graft trian} suggested {@code clean} with picocli's own suggester.
 */
class SuggestionTest {
    static final List<String> COMMANDS = List.of("demo", "train", "compare", "lr-find", "predict", "evaluate", "serve",
            "models", "weights", "export", "clean", "bench", "help");

    @Test
    void aTypoOfACommandSuggestsTheNearestCommand() {
        CliConventionsTest.Out r = CliConventionsTest.exec("trian");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("Did you mean: graft train?"), r.err());
        assertFalse(r.err().contains("clean"), r.err());

        CliConventionsTest.Out sub = CliConventionsTest.exec("weights", "lsit");
        assertTrue(sub.err().contains("Did you mean: graft weights list?"), sub.err());
    }

    @Test
    void nothingIsSuggestedWhenNoCommandIsClose() {
        CliConventionsTest.Out r = CliConventionsTest.exec("xyz");
        assertEquals(2, r.code(), r.all());
        assertFalse(r.err().contains("Did you mean"), r.err());
    }

    @Test
    void aTypoOfAnOptionSuggestsTheNearestOption() {
        CliConventionsTest.Out r = CliConventionsTest.exec("train", "--stratgy", "head", "data");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("Did you mean --strategy?"), r.err());
        assertFalse(r.err().contains("--step-size"), r.err());
    }

    @Test
    void nearestByEditDistance() {
        assertEquals("train", Suggestion.nearest("trian", COMMANDS));
        assertEquals("train", Suggestion.nearest("tain", COMMANDS));
        assertEquals("predict", Suggestion.nearest("predcit", COMMANDS));
        assertEquals("evaluate", Suggestion.nearest("eval", COMMANDS));
        assertEquals("export", Suggestion.nearest("exprot", COMMANDS));
        assertEquals("serve", Suggestion.nearest("serv", COMMANDS));
        assertEquals("--epochs", Suggestion.nearest("--epoch", List.of("--seed", "--epochs", "--step-size")));
        assertNull(Suggestion.nearest("xyz", COMMANDS));
        assertNull(Suggestion.nearest("tr", COMMANDS));
        assertNull(Suggestion.nearest("-x", List.of("-h", "-q", "--help")));
        assertEquals(1, Suggestion.distance("trian", "train"));
        assertEquals(2, Suggestion.distance("trian", "trn"));
        assertEquals(3, Suggestion.distance("clean", "trian"));
    }
}
