package dev.graft.spark;

import dev.graft.GraftException;
import dev.graft.data.ImageFolder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Turns the command line's INPUTs into a Dataset of (path, content) through Spark's
 * {@code binaryFile} source, so any file system the cluster has (HDFS, S3, GCS) works:
 * folders are read recursively keeping the image extensions {@code graft predict} keeps
 * (in any letter case), globs and single files as given, and a table ({@code *.parquet} or
 * {@code *.csv}, file or folder, with a {@code path} column) stands for the files it lists,
 * or, with a binary {@code content} column too, holds the images itself (one large read
 * instead of a request per file: the fast input on object stores).
 */
final class ImageInputs {
    private ImageInputs() {}

    static Dataset<Row> read(SparkSession spark, List<String> inputs) {
        if (inputs.isEmpty()) throw new GraftException("no INPUT given: name folders, globs or a .parquet/.csv table of paths.");
        List<String> files = new ArrayList<>();
        List<String> listed = new ArrayList<>();
        Dataset<Row> out = null;
        for (String in : inputs) {
            if (!isTable(in)) {
                files.add(in);
                continue;
            }
            Dataset<Row> t = table(spark, in);
            if (List.of(t.columns()).contains("content")
                    && t.schema().apply("content").dataType().equals(org.apache.spark.sql.types.DataTypes.BinaryType)) {
                // the images themselves, packed: read as the table is, no small-file reads
                Dataset<Row> packed = t.select("path", "content");
                out = out == null ? packed : out.unionByName(packed);
            } else {
                listed.addAll(pathsOf(t, in));
            }
        }
        if (!files.isEmpty()) {
            Dataset<Row> f = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                    .option("pathGlobFilter", imageGlob()).load(files.toArray(String[]::new)).select("path", "content");
            out = out == null ? f : out.unionByName(f);
        }
        if (!listed.isEmpty()) {
            // the table names its files: none is filtered out (a non-image gets an error row)
            Dataset<Row> t = spark.read().format("binaryFile").load(listed.toArray(String[]::new)).select("path", "content");
            out = out == null ? t : out.unionByName(t);
        }
        return out;
    }

    static boolean isTable(String input) {
        String s = input.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
        return s.endsWith(".parquet") || s.endsWith(".csv");
    }

    private static Dataset<Row> table(SparkSession spark, String table) {
        Dataset<Row> t = table.toLowerCase(Locale.ROOT).replaceAll("/+$", "").endsWith(".csv")
                ? spark.read().option("header", "true").csv(table) : spark.read().parquet(table);
        if (!List.of(t.columns()).contains("path")) {
            throw new GraftException(table + " has no 'path' column; its columns are " + String.join(", ", t.columns()) + ".");
        }
        return t;
    }

    private static List<String> pathsOf(Dataset<Row> t, String table) {
        List<String> out = new ArrayList<>();
        for (Row r : t.select("path").where("path IS NOT NULL").distinct().collectAsList()) out.add(r.getString(0));
        if (out.isEmpty()) throw new GraftException(table + " lists no paths.");
        return out;
    }

    /** {@code *.{[jJ][pP][gG],...}}: Hadoop's glob filter is case-sensitive. */
    static String imageGlob() {
        List<String> exts = new ArrayList<>();
        for (String ext : ImageFolder.EXTENSIONS) {
            StringBuilder b = new StringBuilder();
            for (char c : ext.substring(1).toCharArray()) {
                b.append('[').append(Character.toLowerCase(c)).append(Character.toUpperCase(c)).append(']');
            }
            exts.add(b.toString());
        }
        return "*.{" + String.join(",", exts) + "}";
    }
}
