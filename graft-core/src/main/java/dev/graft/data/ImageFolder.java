package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.data.transforms.EncodedImageTransform;
import dev.graft.data.transforms.ImageTransform;
import dev.graft.image.ImageDecoder;
import dev.graft.image.RgbImage;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A folder of class folders read with torchvision's {@code ImageFolder} rules, so that the
 * same tree gives the same samples in the same order with the same labels: classes are the
 * sub-folders (symlinks followed, hidden ones included) sorted by code point, like Python's
 * {@code sorted}; each class folder is walked recursively with links followed, directories
 * visited in sorted full-path order and files sorted by name within each, exactly as
 * {@code make_dataset} does with {@code sorted(os.walk(..., followlinks=True))}; a file counts
 * when its lower-cased name ends in one of {@link #EXTENSIONS}. Files are decoded only when
 * asked for, so an unreadable file is found by the loader, not here. Unlike torchvision, a
 * link back to a folder being walked (a loop) is not entered, where os.walk would repeat the
 * files until the OS refuses the path.
 */
public final class ImageFolder implements Dataset {
    /** torchvision's IMG_EXTENSIONS. */
    public static final List<String> EXTENSIONS =
            List.of(".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp");

    /** Python's str ordering: by Unicode code point (String.compareTo differs above U+D800). */
    public static final Comparator<String> CODEPOINT_ORDER = (a, b) -> {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i), cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };

    private final Path root;
    private final List<String> classes;
    private final List<Path> files;
    private final int[] labels;

    /** Reads {@code root} with classes = its sorted sub-folders, as torchvision does. */
    public ImageFolder(Path root) {
        this(root, findClasses(root));
    }

    /**
     * Reads {@code root} with a given class list (for a val/ or test/ folder labelled by the
     * train/ classes); a listed class without a folder simply has no samples here, a folder
     * not in the list is an error. Every listed class that has a folder must hold images.
     */
    public ImageFolder(Path root, List<String> classes) {
        this.root = root;
        this.classes = List.copyOf(classes);
        Set<String> present = new HashSet<>(findClasses(root));
        for (String c : present) {
            if (!classes.contains(c)) {
                throw new GraftException(DataLayout.expected("class folder " + root.resolve(c)
                        + " is not one of the training classes " + classes));
            }
        }
        List<Path> f = new ArrayList<>();
        List<Integer> l = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        for (int k = 0; k < classes.size(); k++) {
            if (!present.contains(classes.get(k))) continue;
            int before = f.size();
            for (Path p : walkImages(root.resolve(classes.get(k)))) {
                f.add(p);
                l.add(k);
            }
            if (f.size() == before) empty.add(classes.get(k));
        }
        if (f.isEmpty()) {
            throw new GraftException(DataLayout.expected("no images (extensions " + String.join(" ", EXTENSIONS)
                    + ") in any class folder of " + root));
        }
        if (!empty.isEmpty()) {
            throw new GraftException(DataLayout.expected("class folder" + (empty.size() > 1 ? "s " : " ")
                    + String.join(", ", empty) + " in " + root + " hold" + (empty.size() > 1 ? "" : "s")
                    + " no images (extensions " + String.join(" ", EXTENSIONS) + ")"));
        }
        this.files = List.copyOf(f);
        this.labels = l.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Sorted names of the sub-folders of {@code root} (symlinks to folders count). */
    public static List<String> findClasses(Path root) {
        if (!Files.isDirectory(root)) {
            throw new GraftException(DataLayout.expected(root + " is not a folder"));
        }
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) if (Files.isDirectory(p)) out.add(p.getFileName().toString());
        } catch (IOException e) {
            throw new GraftException("Cannot list folder " + root + ": " + GraftException.reason(e), e);
        }
        out.sort(CODEPOINT_ORDER);
        return out;
    }

    /** True when torchvision would take this file name as an image. */
    public static boolean hasImageExtension(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        for (String ext : EXTENSIONS) if (lower.endsWith(ext)) return true;
        return false;
    }

    /** Image files under {@code dir}, in torchvision's make_dataset order. */
    static List<Path> walkImages(Path dir) {
        Map<String, List<String>> filesByDir = new HashMap<>();
        collect(dir, new HashSet<>(), filesByDir);
        List<String> dirs = new ArrayList<>(filesByDir.keySet());
        dirs.sort(CODEPOINT_ORDER);
        List<Path> out = new ArrayList<>();
        for (String d : dirs) {
            List<String> names = filesByDir.get(d);
            names.sort(CODEPOINT_ORDER);
            for (String n : names) if (hasImageExtension(n)) out.add(Path.of(d, n));
        }
        return out;
    }

    // Records (directory -> file names) for d and everything below it, following links like
    // os.walk(followlinks=True); a link back to an ancestor is not entered again.
    private static void collect(Path d, Set<Path> ancestors, Map<String, List<String>> filesByDir) {
        Path real;
        try {
            real = d.toRealPath();
        } catch (IOException e) {
            return; // os.walk ignores directories it cannot open
        }
        if (!ancestors.add(real)) return;
        List<String> names = new ArrayList<>();
        List<Path> subdirs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
            for (Path p : ds) {
                if (Files.isDirectory(p)) subdirs.add(p);
                else names.add(p.getFileName().toString());
            }
            filesByDir.put(d.toString(), names);
            for (Path s : subdirs) collect(s, ancestors, filesByDir);
        } catch (IOException e) {
            // unreadable directory: skipped, as os.walk does
        } finally {
            ancestors.remove(real);
        }
    }

    public Path root() {
        return root;
    }

    /** The image file of sample {@code i}. */
    public Path file(int i) {
        return files.get(i);
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public int label(int i) {
        return labels[i];
    }

    @Override
    public RgbImage image(int i) throws IOException {
        return ImageDecoder.decode(files.get(i));
    }

    @Override
    public RgbImage image(int i, ImageTransform t, SplittableRandom rng) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(files.get(i));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("file not found", e);
        }
        return EncodedImageTransform.decodeAndApply(t, bytes, rng);
    }

    @Override
    public String source(int i) {
        return files.get(i).toString();
    }
}
