package dev.graft.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Open Inference Protocol (KServe v2) for an image classifier: model metadata, and
 * {@code infer} with one input, either BYTES (encoded images, base64 in JSON, shape [N]) or
 * FP32 (an already preprocessed tensor [N, 3, size, size], row-major), answering the outputs
 * {@code probabilities} (FP32 [N, classes]) and {@code label} (BYTES [N], the top class).
 */
final class KServe {
    static final String PROBABILITIES = "probabilities", LABEL = "label";

    private KServe() {}

    static Map<String, Object> metadata(ModelSlot slot) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", slot.name());
        m.put("versions", List.of("1"));
        m.put("platform", "graft_" + slot.arch());
        m.put("inputs", List.of(tensor("image", "BYTES", List.of(-1)),
                tensor("input", "FP32", List.of(-1, 3, slot.size(), slot.size()))));
        m.put("outputs", List.of(tensor(PROBABILITIES, "FP32", List.of(-1, slot.classes().size())),
                tensor(LABEL, "BYTES", List.of(-1))));
        return m;
    }

    private static Map<String, Object> tensor(String name, String type, List<Integer> shape) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("name", name);
        t.put("datatype", type);
        t.put("shape", shape);
        return t;
    }

    static Map<String, Object> infer(ServedModel model, JsonObject request) {
        JsonArray inputs = request.has("inputs") && request.get("inputs").isJsonArray()
                ? request.getAsJsonArray("inputs") : null;
        if (inputs == null || inputs.size() != 1 || !inputs.get(0).isJsonObject()) {
            throw new ApiError(400, "The request needs \"inputs\" with exactly one tensor (BYTES images or FP32 [N,3,H,W]).");
        }
        JsonObject input = inputs.get(0).getAsJsonObject();
        String type = input.has("datatype") ? input.get("datatype").getAsString() : "";
        List<JsonElement> data = new ArrayList<>();
        if (input.has("data")) flatten(input.get("data"), data);
        List<Long> shape = shape(input);
        double[][] p;
        if (type.equals("BYTES")) {
            p = model.images(decodeAll(data));
        } else if (type.equals("FP32")) {
            p = tensor(model, shape, data);
        } else {
            throw new ApiError(400, "The input's datatype must be BYTES or FP32, not '" + type + "'.");
        }
        List<String> wanted = wantedOutputs(request);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model_name", model.slot.name());
        out.put("model_version", "1");
        if (request.has("id") && request.get("id").isJsonPrimitive()) out.put("id", request.get("id").getAsString());
        List<Object> outputs = new ArrayList<>();
        if (wanted.contains(PROBABILITIES)) {
            int classes = p.length == 0 ? 0 : p[0].length;
            float[] flat = new float[p.length * classes];
            for (int i = 0; i < p.length; i++) {
                for (int j = 0; j < classes; j++) flat[i * classes + j] = (float) p[i][j];
            }
            Map<String, Object> t = tensor(PROBABILITIES, "FP32", List.of(p.length, classes));
            t.put("data", flat);
            outputs.add(t);
        }
        if (wanted.contains(LABEL)) {
            Map<String, Object> t = tensor(LABEL, "BYTES", List.of(p.length));
            t.put("data", model.topLabels(p));
            outputs.add(t);
        }
        out.put("outputs", outputs);
        return out;
    }

    private static List<String> wantedOutputs(JsonObject request) {
        if (!request.has("outputs")) return List.of(PROBABILITIES, LABEL);
        List<String> names = new ArrayList<>();
        for (JsonElement e : request.getAsJsonArray("outputs")) {
            String n = e.isJsonObject() && e.getAsJsonObject().has("name") ? e.getAsJsonObject().get("name").getAsString() : "";
            if (!n.equals(PROBABILITIES) && !n.equals(LABEL)) {
                throw new ApiError(400, "There is no output named '" + n + "'; the outputs are probabilities and label.");
            }
            names.add(n);
        }
        return names;
    }

    private static List<Long> shape(JsonObject input) {
        List<Long> shape = new ArrayList<>();
        if (input.has("shape") && input.get("shape").isJsonArray()) {
            for (JsonElement e : input.getAsJsonArray("shape")) {
                if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                    throw new ApiError(400, "The input's shape must be a list of whole numbers.");
                }
                shape.add(e.getAsLong());
            }
        }
        return shape;
    }

    private static void flatten(JsonElement e, List<JsonElement> out) {
        if (e.isJsonArray()) {
            for (JsonElement x : e.getAsJsonArray()) flatten(x, out);
        } else {
            out.add(e);
        }
    }

    private static List<byte[]> decodeAll(List<JsonElement> data) {
        if (data.isEmpty()) throw new ApiError(400, "The BYTES input holds no image.");
        List<byte[]> images = new ArrayList<>();
        for (JsonElement e : data) {
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw new ApiError(400, "Each BYTES element must be a string: an image file in base64.");
            }
            try {
                images.add(Base64.getDecoder().decode(e.getAsString().replaceAll("\\s", "")));
            } catch (IllegalArgumentException ex) {
                throw new ApiError(400, "A BYTES element is not valid base64.");
            }
        }
        return images;
    }

    private static double[][] tensor(ServedModel model, List<Long> shape, List<JsonElement> data) {
        int s = model.slot.size();
        if (shape.size() != 4 || shape.get(0) < 1 || shape.get(1) != 3 || shape.get(2) != s || shape.get(3) != s) {
            throw new ApiError(400, "The FP32 input's shape must be [N, 3, " + s + ", " + s + "], not " + shape + ".");
        }
        long count = shape.get(0) * 3 * s * s;
        if (data.size() != count) {
            throw new ApiError(400, "The FP32 input has " + data.size() + " values where its shape needs " + count + ".");
        }
        float[] x = new float[(int) count];
        for (int i = 0; i < x.length; i++) {
            JsonElement e = data.get(i);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw new ApiError(400, "The FP32 input holds something that is not a number.");
            }
            x[i] = e.getAsFloat();
            if (!Float.isFinite(x[i])) throw new ApiError(400, "The FP32 input holds a value that is not finite.");
        }
        return model.run(x, (int) (long) shape.get(0));
    }
}
