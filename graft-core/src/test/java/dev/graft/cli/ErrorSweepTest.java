package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.models.SavedModel;
import dev.graft.testutil.TestImages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps the error paths of every command (missing and wrong paths, corrupt model.json and
 * run.json fields, wrong types, huge numbers, NaN) and checks that what the user reads is a
 * message a person can act on: a non-zero exit, one short sentence, and no Java internals
 * (class names, {@code Exception}, cast or null-pointer texts, stack frames).
 */
class ErrorSweepTest {
    /** Texts that only Java, never a person, would write. */
    static final List<String> INTERNALS = List.of("java.", "com.google", "Exception", "cannot be cast", "Cannot invoke",
            "\tat ", "gson", "capacity <");
    /** A second sentence: a full stop followed by a capital letter. */
    static final Pattern SECOND_SENTENCE = Pattern.compile("\\.\\s+[A-Z]");

    @TempDir
    static Path tmp;
    static Path run;
    static Path data;
    static String modelJson;

    @BeforeAll
    static void setUp() throws IOException {
        run = TestImages.savedAntBeeModel(tmp.resolve("run"), 11);
        modelJson = Files.readString(run.resolve(SavedModel.META));
        data = TestImages.classFolders(tmp.resolve("data"), 5, 2, "ant", "bee");
    }

    /** A copy of the run whose model.json has {@code from} replaced by {@code to}. */
    static String runWith(String name, String from, String to) throws IOException {
        assertTrue(modelJson.contains(from), from + " not in " + modelJson);
        return runWithJson(name, modelJson.replace(from, to));
    }

    static String runWithJson(String name, String json) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        Files.copy(run.resolve(SavedModel.WEIGHTS), dir.resolve(SavedModel.WEIGHTS));
        Files.writeString(dir.resolve(SavedModel.META), json);
        return dir.toString();
    }

    /** A run directory whose run.json is {@code json}, to resume. */
    static String resumeWith(String name, String json) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir.resolve("checkpoints"));
        Files.writeString(dir.resolve("run.json"), json);
        return dir.toString();
    }

    static Path file(String name, byte[] bytes) throws IOException {
        Path f = tmp.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    @Test
    void everyErrorIsOneSentenceWithoutJavaInternals() throws IOException {
        String missing = tmp.resolve("no-such-thing").toString();
        String text = file("notes.txt", "hello".getBytes(StandardCharsets.UTF_8)).toString();
        ByteBuffer huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE / 3);
        String hugeHeader = file("huge.safetensors", huge.array()).toString();
        String r = run.toString(), d = data.toString();
        List<List<String>> cases = new ArrayList<>(List.of(
                // train: data, numbers, weights, resume
                List.of("train", missing), List.of("train", text), List.of("train", tmp.resolve("empty").toString()),
                List.of("train", d, "--lr", "NaN"), List.of("train", d, "--lr", "-1"), List.of("train", d, "--lr", "x"),
                List.of("train", d, "--epochs", "99999999999"), List.of("train", d, "--batch-size", "0"),
                List.of("train", d, "--image-size", "60000"), List.of("train", d, "--batch-size", "2000000000"),
                List.of("train", d, "--momentum", "Infinity"), List.of("train", d, "--threads", "-1"), List.of("train", d, "--val-split", "NaN"),
                List.of("train", d, "--weights", missing), List.of("train", d, "--weights", text),
                List.of("train", d, "--weights", hugeHeader), List.of("train", d, "--arch", "resnet9000"),
                List.of("train", d, "--unfreeze-from", "layer99", "--strategy", "partial"),
                List.of("train", "--resume", missing), List.of("train", "--resume", text),
                List.of("train", "--resume", resumeWith("rj-garbage", "{{{")),
                List.of("train", "--resume", resumeWith("rj-array", "[1, 2]")),
                List.of("train", "--resume", resumeWith("rj-norecipe", "{\"x\": 1}")),
                List.of("train", "--resume", resumeWith("rj-lr", "{\"recipe\": {\"data\": \"d\", \"arch\": \"resnet18\","
                        + " \"lr\": \"fast\"}}")),
                List.of("train", "--resume", resumeWith("rj-epochs", "{\"recipe\": {\"data\": \"d\", \"arch\": \"resnet18\","
                        + " \"epochs\": 1e12}}")),
                List.of("train", "--resume", resumeWith("rj-arch", "{\"recipe\": {\"data\": \"d\", \"arch\": 5.5}}")),
                // evaluate / predict: model and data
                List.of("evaluate", "--model", missing, d), List.of("evaluate", "--model", r, missing),
                List.of("evaluate", "--model", text, d), List.of("evaluate", "--model", r, text),
                List.of("evaluate", "--model", r, d, "--batch-size", "99999999999"),
                List.of("predict", "--model", missing, d), List.of("predict", "--model", r, missing),
                List.of("predict", "--model", r, text), List.of("predict", "--arch", "resnet18", "--weights", missing, d),
                List.of("predict", "--arch", "resnet18", "--weights", text, d),
                List.of("predict", "--arch", "resnet18", "--weights", hugeHeader, d),
                List.of("predict", "--arch", "nope", "--weights", "imagenet", d),
                List.of("predict", "--model", r, "--resize", "60000", d), List.of("predict", "--model", r, "--crop", "-3", d),
                // export, weights, bench
                List.of("export", missing, "--out", tmp.resolve("x.pth").toString()),
                List.of("export", r, "--out", tmp.resolve("x.pth").toString(), "--format", "onnx"),
                List.of("export", r, "--out", tmp.resolve("x.safetensors").toString(), "--format", "pth"),
                List.of("weights", "verify", missing), List.of("weights", "fetch", "nope"),
                List.of("bench", "--arch", "nope"), List.of("bench", "--batch-size", "0"),
                List.of("bench", "--image-size", "60000"), List.of("bench", "--batch-size", "100000"),
                List.of("bench", "--seconds", "NaN"), List.of("bench", "--iterations", "0"), List.of("bench", "--mode", "data", "--data", missing)));
        // evaluate on model.json files with one field wrong
        String[][] edits = {
                {"\"resize\": 36", "\"resize\": 60000"}, {"\"resize\": 36", "\"resize\": \"big\""},
                {"\"resize\": 36", "\"resize\": -1"}, {"\"resize\": 36", "\"resize\": 1e30"},
                {"\"crop\": 32", "\"crop\": 0"}, {"\"arch\": \"resnet18\"", "\"arch\": 18"},
                {"\"arch\": \"resnet18\"", "\"arch\": \"resnet9000\""}, {"\"arch\": \"resnet18\"", "\"arch\": null"},
                {"\"interpolation\": \"bilinear\"", "\"interpolation\": \"sharp\""},
                {"\"head\": \"linear\"", "\"head\": \"mlp:x\""}, {"\"head\": \"linear\"", "\"head\": 3"},
                {"\"ant\",", "1.5,"}, {"\"ant\",", "\"bee\","}, {"\"ant\",", "null,"},
                {"\"preset\": {", "\"preset\": 7, \"x\": {"}, {"\"mean\": [", "\"mean\": [NaN, "},
                {"\"std\": [", "\"std\": [0, "}, {"\"mean\": [", "\"mean\": [\"a\", "}};
        for (int i = 0; i < edits.length; i++) {
            String bad = runWith("edit" + i, edits[i][0], edits[i][1]);
            cases.add(List.of("evaluate", "--model", bad, d));
            cases.add(List.of("predict", "--model", bad, d));
        }
        for (String json : List.of("", "[]", "{}", "{\"arch\": \"resnet18\"}", "not json at all {")) {
            String bad = runWithJson("json" + cases.size(), json);
            cases.add(List.of("evaluate", "--model", bad, d));
            cases.add(List.of("export", bad, "--out", tmp.resolve("y.pth").toString()));
        }

        List<String> problems = new ArrayList<>();
        for (List<String> args : cases) {
            CliConventionsTest.Out o = CliConventionsTest.exec(args.toArray(String[]::new));
            String problem = problem(o);
            if (problem != null) problems.add(String.join(" ", args) + "\n    -> " + problem + "\n    " + o.err().strip());
        }
        assertTrue(problems.isEmpty(), problems.size() + " of " + cases.size() + " error paths read badly:\n"
                + String.join("\n", problems));
    }

    /** What is wrong with an error's output, or null when it reads well. */
    static String problem(CliConventionsTest.Out o) {
        if (o.code() != 1 && o.code() != 2) return "exit code " + o.code();
        List<String> lines = o.err().strip().lines().filter(l -> !l.startsWith("Try '")
                && !l.startsWith("        ")).toList();
        if (lines.isEmpty()) return "no message";
        List<String> errors = lines.stream().filter(l -> l.startsWith("graft: ")).toList();
        if (errors.size() != 1) return errors.size() + " error lines";
        String message = errors.get(0).substring("graft: ".length());
        for (String bad : INTERNALS) if (o.err().contains(bad)) return "contains '" + bad + "'";
        if (SECOND_SENTENCE.matcher(message).find()) return "more than one sentence";
        if (message.length() > 300) return "over 300 characters";
        return null;
    }
}
