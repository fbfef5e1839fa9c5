package dev.graft.serve;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.graft.cli.Main;
import dev.graft.data.transforms.Interpolation;
import dev.graft.data.transforms.Preset;
import dev.graft.models.HeadSpec;
import dev.graft.models.ImageModel;
import dev.graft.models.SavedModel;
import dev.graft.models.Zoo;
import dev.graft.nn.Rng;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Tiny served models for the serve tests: run directories holding a randomly initialised
 * resnet18 (seeded) with a preset of 40/32 px, seeded generated images (PNG and JPEG), and
 * {@code graft predict --json} run in-process for the answers the server must match.
 */
final class ServeFixtures {
    static final List<String> CLASSES = List.of("ant", "bee", "cat", "dog");

    private ServeFixtures() {}

    static Path run(Path dir, long seed, List<String> classes) {
        Rng.manualSeed(seed);
        try (ImageModel model = Zoo.get("resnet18").build(classes.size())) {
            SavedModel.write(dir, model, "resnet18", classes, Preset.imagenet(40, 32, Interpolation.BILINEAR),
                    HeadSpec.LINEAR, "none");
        }
        return dir;
    }

    /** {@code count} images of coloured shapes on a gradient, 96x80, alternately PNG and JPEG. */
    static List<Path> images(Path dir, int count, long seed) throws IOException {
        Files.createDirectories(dir);
        Random rnd = new Random(seed);
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BufferedImage img = new BufferedImage(96, 80, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            Color a = new Color(rnd.nextInt(0xffffff)), b = new Color(rnd.nextInt(0xffffff));
            g.setPaint(new java.awt.GradientPaint(0, 0, a, 96, 80, b));
            g.fillRect(0, 0, 96, 80);
            for (int s = 0; s < 4; s++) {
                g.setColor(new Color(rnd.nextInt(0xffffff)));
                g.fillOval(rnd.nextInt(70), rnd.nextInt(60), 10 + rnd.nextInt(30), 10 + rnd.nextInt(30));
            }
            g.dispose();
            String ext = i % 2 == 0 ? "png" : "jpg";
            Path f = dir.resolve("img" + i + "." + ext);
            ImageIO.write(img, ext, f.toFile());
            out.add(f);
        }
        return out;
    }

    /** {@code graft predict --json} on the images, as it prints it. */
    static JsonObject predict(Path run, List<Path> images, int topk) {
        List<String> args = new ArrayList<>(List.of("predict", "--model", run.toString(), "--json", "--topk",
                Integer.toString(topk)));
        images.forEach(p -> args.add(p.toString()));
        PrintStream old = System.out;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            code = Main.commandLine().execute(args.toArray(String[]::new));
        } finally {
            System.setOut(old);
        }
        if (code != 0) throw new AssertionError("graft predict exited " + code + ": " + o);
        return JsonParser.parseString(o.toString(StandardCharsets.UTF_8)).getAsJsonObject();
    }
}
