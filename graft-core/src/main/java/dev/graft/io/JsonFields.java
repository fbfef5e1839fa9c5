package dev.graft.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.graft.GraftException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the JSON files Graft writes (model.json, run.json) field by field, checking each
 * field's type and range, so a file edited by hand or cut short fails with one sentence
 * naming the file and the field ({@code runs/x/model.json: preset.resize must be a whole
 * number from 1 to 4096, not 60000}) instead of a JSON library's message.
 */
public final class JsonFields {
    private final String where;
    private final JsonObject object;

    private JsonFields(String where, JsonObject object) {
        this.where = where;
        this.object = object;
    }

    /** The JSON object in {@code file}, or one sentence saying why there is none. */
    public static JsonFields read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new GraftException("cannot read " + file + ": " + GraftException.reason(e) + ".", e);
        }
        JsonElement root;
        try {
            root = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw new GraftException(file + " is not valid JSON (cut short or edited by hand?).", e);
        }
        if (!root.isJsonObject()) throw new GraftException(file + " does not hold a JSON object.");
        return new JsonFields(file.toString(), root.getAsJsonObject());
    }

    /** The fields of {@code object}, named in messages as {@code where}. */
    public static JsonFields of(String where, JsonObject object) { return new JsonFields(where, object); }

    public JsonObject json() { return object; }

    public boolean has(String field) { return object.has(field) && !object.get(field).isJsonNull(); }

    /** A nested object. */
    public JsonFields object(String field) {
        JsonElement e = required(field);
        if (!e.isJsonObject()) throw wrong(field, "an object", e);
        return new JsonFields(where + ": " + field, e.getAsJsonObject());
    }

    public String string(String field) {
        JsonElement e = required(field);
        if (!isString(e)) throw wrong(field, "a string", e);
        return e.getAsString();
    }

    /** The string, or {@code otherwise} when the field is absent or null. */
    public String string(String field, String otherwise) { return has(field) ? string(field) : otherwise; }

    public int integer(String field, int min, int max) {
        JsonElement e = required(field);
        String expected = "a whole number from " + min + " to " + max;
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw wrong(field, expected, e);
        double v = e.getAsDouble();
        if (v != Math.rint(v) || v < min || v > max) throw wrong(field, expected, e);
        return (int) v;
    }

    /** Exactly {@code n} finite numbers; {@code positive} also rules out zero and below. */
    public double[] numbers(String field, int n, boolean positive) {
        JsonElement e = required(field);
        String expected = n + (positive ? " positive numbers" : " numbers");
        if (!e.isJsonArray() || e.getAsJsonArray().size() != n) throw wrong(field, expected, e);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            JsonElement v = e.getAsJsonArray().get(i);
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) throw wrong(field, expected, e);
            out[i] = v.getAsDouble();
            if (!Double.isFinite(out[i]) || positive && out[i] <= 0) throw wrong(field, expected, e);
        }
        return out;
    }

    /** A non-empty list of distinct, non-blank strings. */
    public List<String> distinctStrings(String field) {
        JsonElement e = required(field);
        String expected = "a list of distinct names";
        if (!e.isJsonArray() || e.getAsJsonArray().isEmpty()) throw wrong(field, expected, e);
        List<String> out = new ArrayList<>();
        for (JsonElement v : e.getAsJsonArray()) {
            if (!isString(v) || v.getAsString().isBlank() || out.contains(v.getAsString())) throw wrong(field, expected, e);
            out.add(v.getAsString());
        }
        return out;
    }

    private static boolean isString(JsonElement e) {
        return e.isJsonPrimitive() && ((JsonPrimitive) e).isString();
    }

    private JsonElement required(String field) {
        if (!has(field)) throw new GraftException(where + " has no '" + field + "'.");
        return object.get(field);
    }

    private GraftException wrong(String field, String expected, JsonElement actual) {
        String shown = actual.toString();
        if (shown.length() > 40) shown = shown.substring(0, 37) + "...";
        return new GraftException(where + ": '" + field + "' must be " + expected + ", not " + shown + ".");
    }
}
