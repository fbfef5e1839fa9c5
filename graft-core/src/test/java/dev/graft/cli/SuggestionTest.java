package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A mistyped command or option is one sentence that suggests the name nearest by edit distance,
 * or none when none is close: {@code graft trian} suggested {@code clean} with picocli's own suggester.
 */
class SuggestionTest {
    static final List<String> COMMANDS = List.of("demo", "train", "compare", "lr-find", "predict", "evaluate", "serve",
            "models", "weights", "export", "clean", "bench", "help");

    @Test
    void aTypoOfACommandSuggestsTheNearestCommand() {
        CliConventionsTest.Out r = CliConventionsTest.exec("trian");
        assertEquals(2, r.code(), r.all());
        assertEquals("graft: unknown command 'trian'; did you mean 'train'? (graft --help lists the commands)",
                r.err().strip(), "one sentence, no picocli words");
        assertNull(ErrorSweepTest.problem(r), r.err());

        CliConventionsTest.Out sub = CliConventionsTest.exec("weights", "lsit");
        assertEquals("graft: unknown command 'lsit'; did you mean 'list'? (graft weights --help lists the commands)",
                sub.err().strip());
    }

    @Test
    void nothingIsSuggestedWhenNoCommandIsClose() {
        CliConventionsTest.Out r = CliConventionsTest.exec("xyz");
        assertEquals(2, r.code(), r.all());
        assertEquals("graft: unknown command 'xyz' (graft --help lists the commands)", r.err().strip());
    }

    @Test
    void aTypoOfAnOptionSuggestsTheNearestOption() {
        CliConventionsTest.Out r = CliConventionsTest.exec("train", "--stratgy", "head", "data");
        assertEquals(2, r.code(), r.all());
        assertEquals("graft: unknown option '--stratgy'; did you mean '--strategy'? (graft train --help lists the options)",
                r.err().strip());
        CliConventionsTest.Out value = CliConventionsTest.exec("train", "data", "--epoch", "1");
        assertEquals("graft: unknown option '--epoch'; did you mean '--epochs'? (graft train --help lists the options)",
                value.err().strip(), "the value is not called an option");
        assertEquals("graft: unexpected argument 'b' (graft train --help shows what it takes)",
                CliConventionsTest.exec("train", "a", "b").err().strip());
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
