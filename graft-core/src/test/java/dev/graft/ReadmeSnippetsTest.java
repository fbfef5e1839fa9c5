package dev.graft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.io.TorchFiles;
import dev.graft.models.ImageModel;
import dev.graft.models.Zoo;
import dev.graft.nn.Rng;
import dev.graft.testutil.TestImages;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java snippets cannot rot: each {@code ```java} block of ../README.md is
 * compiled with javax.tools against the test classpath (its imports on top, the rest as the
 * body of a method), then all of them run, in order, on a tiny generated folder: the paths
 * they name are replaced by temporary ones, 25 epochs by 1, and the ImageNet weights file by
 * a randomly initialised resnet18 in a temporary {@code user.home}.
 */
class ReadmeSnippetsTest {
    static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path tmp;

    static List<String> snippets() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        List<String> out = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(readme);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    /** One compilable class: the snippet's imports, then its statements in {@code static void run()}. */
    static String asClass(String name, String snippet, Map<String, String> replacements) {
        StringBuilder imports = new StringBuilder(), body = new StringBuilder();
        for (String line : snippet.lines().toList()) {
            (line.startsWith("import ") ? imports : body).append(line).append('\n');
        }
        String code = body.toString();
        for (Map.Entry<String, String> r : replacements.entrySet()) code = code.replace(r.getKey(), r.getValue());
        return imports + "public class " + name + " {\n    public static void run() throws Exception {\n" + code
                + "    }\n}\n";
    }

    @Test
    void theReadmeJavaSnippetsCompileAndRun() throws Exception {
        List<String> snippets = snippets();
        assertTrue(snippets.size() >= 3, "expected the README's Java snippets, found " + snippets.size());

        // a tiny tutorial-style folder (train/ and val/ of two classes), a photo, and "ImageNet" weights
        Path data = tmp.resolve("dogs_vs_cats");
        TestImages.classFolders(data.resolve("train"), 3, 4, "cat", "dog");
        TestImages.classFolders(data.resolve("val"), 4, 2, "cat", "dog");
        Path photo = tmp.resolve("cat.jpg");
        ImageIO.write(ImageIO.read(data.resolve("val/cat/cat0.png").toFile()), "jpg", photo.toFile());
        Path home = tmp.resolve("home");
        Path weights = home.resolve(".cache/torch/hub/checkpoints/resnet18-f37072fd.pth");
        Files.createDirectories(weights.getParent());
        Rng.manualSeed(5);
        try (ImageModel m = Zoo.get("resnet18").build(1000)) {
            TorchFiles.write(weights, m.stateDict());
        }
        Map<String, String> replacements = Map.of("\"data/dogs_vs_cats\"", quoted(data), "\"runs/dogs\"",
                quoted(tmp.resolve("runs/dogs")), "\"dogs_vs_cats.pth\"", quoted(tmp.resolve("dogs_vs_cats.pth")),
                "\"cat.jpg\"", quoted(photo), ".epochs(25)", ".epochs(1)");

        Path src = tmp.resolve("src"), classes = tmp.resolve("classes");
        Files.createDirectories(classes);
        List<String> files = new ArrayList<>();
        for (int i = 0; i < snippets.size(); i++) {
            Path f = src.resolve("Snippet" + i + ".java");
            Files.createDirectories(src);
            Files.writeString(f, asClass("Snippet" + i, snippets.get(i), replacements));
            files.add(f.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                "-proc:none"));
        args.addAll(files);
        boolean ok = javac.run(null, errors, errors, args.toArray(String[]::new)) == 0;
        assertTrue(ok, "a README snippet does not compile:\n" + errors);

        boolean canFakeWeights = blank(System.getenv("TORCH_HOME")) && blank(System.getenv("XDG_CACHE_HOME"));
        String oldHome = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            for (int i = 0; i < snippets.size(); i++) {
                // the run directory's snippet fetches "imagenet" through the torch cache: only with our fake home
                if (!canFakeWeights && snippets.get(i).contains("TrainingRun")) return;
                Method run = loader.loadClass("Snippet" + i).getMethod("run");
                run.invoke(null);
            }
        } finally {
            System.setProperty("user.home", oldHome);
        }
        assertTrue(Files.isRegularFile(tmp.resolve("dogs_vs_cats.pth")), "the Learner snippet saved no model");
        assertTrue(Files.isRegularFile(tmp.resolve("runs/dogs/model.json")), "the TrainingRun snippet wrote no run");
        assertEquals(snippets.size(), files.size());
    }

    private static boolean blank(String s) { return s == null || s.isBlank(); }

    private static String quoted(Path p) { return "\"" + p.toString().replace("\\", "\\\\") + "\""; }
}
