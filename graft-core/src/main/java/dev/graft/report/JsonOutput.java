package dev.graft.report;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;

/**
 * The JSON Graft prints and writes for people and their tools: strict JSON, where a NaN or an
 * infinity (an accuracy without validation data, say) is written as {@code null}, never as the
 * {@code NaN}/{@code Infinity} tokens JSON parsers reject; nulls are kept so every key is
 * always there. Gson's {@code serializeSpecialFloatingPointValues} is for internal files only.
 */
public final class JsonOutput {
    private JsonOutput() {}

    private static final TypeAdapter<Number> FINITE_OR_NULL = new TypeAdapter<>() {
        @Override
        public void write(JsonWriter out, Number value) throws IOException {
            if (value == null || !Double.isFinite(value.doubleValue())) {
                out.nullValue();
            } else {
                out.value(value);
            }
        }

        @Override
        public Number read(JsonReader in) {
            throw new UnsupportedOperationException("output only");
        }
    };

    /** Pretty-printed or compact, no HTML escaping, non-finite numbers as null. */
    public static Gson gson(boolean pretty) {
        GsonBuilder b = new GsonBuilder().disableHtmlEscaping().serializeNulls()
                .registerTypeAdapter(Double.class, FINITE_OR_NULL).registerTypeAdapter(double.class, FINITE_OR_NULL)
                .registerTypeAdapter(Float.class, FINITE_OR_NULL).registerTypeAdapter(float.class, FINITE_OR_NULL);
        return (pretty ? b.setPrettyPrinting() : b).create();
    }
}
