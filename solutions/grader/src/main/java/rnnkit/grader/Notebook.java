package rnnkit.grader;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Jupyter notebook (nbformat 4) as JSON, with just the accessors the grader and the release tool need.
 * Unknown fields are kept as they are. Reading fails with a {@link NotebookException} that says what is wrong
 * with the file, never with a parser's stack trace.
 */
public final class Notebook {

    private final JsonObject json;
    private final String where;

    private Notebook(JsonObject json, String where) {
        this.json = json;
        this.where = where;
    }

    /** A notebook file; it must be UTF-8 JSON in nbformat 4. */
    public static Notebook read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new NotebookException(file + ": cannot be read (" + e.getMessage() + ")");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new NotebookException(file + ": is not UTF-8 text (" + e.getMessage() + "); a notebook saved by Jupyter always is");
        }
        return parse(text, file.toString());
    }

    /** Notebook text; {@code where} names it in error messages. */
    public static Notebook parse(String text, String where) {
        JsonElement root;
        try {
            root = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            String reason = (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()).split("\\R")[0]; // not gson's help links
            throw new NotebookException(where + ": is not valid JSON (" + reason + "); was the file cut short or edited by hand?");
        }
        if (!root.isJsonObject() || !root.getAsJsonObject().has("cells")) {
            throw new NotebookException(where + ": is JSON but not a Jupyter notebook (it has no \"cells\")");
        }
        JsonObject o = root.getAsJsonObject();
        JsonElement format = o.get("nbformat");
        if (format == null || !format.isJsonPrimitive() || !format.getAsJsonPrimitive().isNumber() || format.getAsInt() != 4) {
            throw new NotebookException(where + ": is a notebook in format " + format + ", but only nbformat 4 is read;"
                    + " open and save it with a current Jupyter to convert it");
        }
        if (!o.get("cells").isJsonArray()) {
            throw new NotebookException(where + ": \"cells\" is not a list");
        }
        return new Notebook(o, where);
    }

    public String where() {
        return where;
    }

    public List<Cell> cells() {
        List<Cell> out = new ArrayList<>();
        JsonArray cells = json.getAsJsonArray("cells");
        for (int i = 0; i < cells.size(); i++) {
            if (!cells.get(i).isJsonObject()) {
                throw new NotebookException(where + ": cell " + (i + 1) + " is not a JSON object");
            }
            out.add(new Cell(cells.get(i).getAsJsonObject(), i));
        }
        return out;
    }

    /** Replaces the cell list (for the release tool and feedback copies). */
    public void setCells(List<Cell> cells) {
        JsonArray a = new JsonArray();
        cells.forEach(c -> a.add(c.json));
        json.add("cells", a);
    }

    public JsonObject metadata() {
        if (!json.has("metadata") || !json.get("metadata").isJsonObject()) {
            json.add("metadata", new JsonObject());
        }
        return json.getAsJsonObject("metadata");
    }

    public Notebook copy() {
        return new Notebook(json.deepCopy(), where);
    }

    /** The JSON as Jupyter writes it: keys sorted, one-space indent, sources as lists of lines. */
    public String toJson() {
        Gson gson = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create(); // nbformat requires execution_count: null
        String pretty = gson.toJson(sorted(json));
        return oneSpaceIndent(pretty) + "\n";
    }

    /** Writes the notebook, replacing {@code file} only once the new content is complete. */
    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            readableByAll(tmp);
            Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Content equality, ignoring formatting (how the JSON is laid out, and how sources are split into lines). */
    public boolean sameContent(Notebook other) {
        return sorted(json).equals(sorted(other.json));
    }

    private static JsonElement sorted(JsonElement e) {
        if (e.isJsonObject()) {
            Map<String, JsonElement> m = new TreeMap<>();
            for (Map.Entry<String, JsonElement> entry : e.getAsJsonObject().entrySet()) {
                JsonElement v = entry.getValue();
                if (("source".equals(entry.getKey()) || "text".equals(entry.getKey())) && v.isJsonPrimitive()) {
                    v = lines(v.getAsString());
                }
                m.put(entry.getKey(), sorted(v));
            }
            JsonObject o = new JsonObject();
            m.forEach(o::add);
            return o;
        }
        if (e.isJsonArray()) {
            JsonArray a = new JsonArray();
            e.getAsJsonArray().forEach(x -> a.add(sorted(x)));
            return a;
        }
        return e;
    }

    /** "a\nb" as ["a\n", "b"], the way nbformat stores multi-line strings. */
    static JsonArray lines(String text) {
        JsonArray a = new JsonArray();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                a.add(new JsonPrimitive(text.substring(start, i + 1)));
                start = i + 1;
            }
        }
        if (start < text.length()) {
            a.add(new JsonPrimitive(text.substring(start)));
        }
        return a;
    }

    private static String oneSpaceIndent(String twoSpaces) {
        StringBuilder sb = new StringBuilder(twoSpaces.length());
        for (String line : twoSpaces.split("\n", -1)) {
            int n = 0;
            while (n < line.length() && line.charAt(n) == ' ') {
                n++;
            }
            sb.append(" ".repeat(n / 2)).append(line.substring(n)).append('\n');
        }
        return sb.substring(0, sb.length() - 1);
    }

    /** One cell; changes write through to the notebook. */
    public static final class Cell {
        final JsonObject json;
        private final int index;

        Cell(JsonObject json, int index) {
            this.json = json;
            this.index = index;
        }

        /** A new cell (for feedback copies). */
        public static Cell markdown(String text) {
            JsonObject o = new JsonObject();
            o.addProperty("cell_type", "markdown");
            o.add("metadata", new JsonObject());
            o.add("source", lines(text));
            return new Cell(o, -1);
        }

        /** 0-based position in the notebook when it was read. */
        public int index() {
            return index;
        }

        public String type() {
            JsonElement t = json.get("cell_type");
            return t == null || !t.isJsonPrimitive() ? "?" : t.getAsString();
        }

        public boolean isCode() {
            return "code".equals(type());
        }

        public String source() {
            JsonElement s = json.get("source");
            if (s == null || s.isJsonNull()) {
                return "";
            }
            if (s.isJsonPrimitive()) {
                return s.getAsString();
            }
            StringBuilder sb = new StringBuilder();
            if (s.isJsonArray()) {
                for (JsonElement line : s.getAsJsonArray()) {
                    sb.append(line.isJsonPrimitive() ? line.getAsString() : "");
                }
            }
            return sb.toString();
        }

        public void setSource(String text) {
            json.add("source", lines(text));
        }

        public JsonObject metadata() {
            if (!json.has("metadata") || !json.get("metadata").isJsonObject()) {
                json.add("metadata", new JsonObject());
            }
            return json.getAsJsonObject("metadata");
        }

        /** nbgrader's cell metadata, or null. */
        public JsonObject nbgrader() {
            JsonElement n = metadata().get("nbgrader");
            return n != null && n.isJsonObject() ? n.getAsJsonObject() : null;
        }

        /** nbgrader's grade_id, or null. */
        public String gradeId() {
            JsonObject n = nbgrader();
            JsonElement id = n == null ? null : n.get("grade_id");
            return id != null && id.isJsonPrimitive() ? id.getAsString() : null;
        }

        public boolean flag(String name) {
            JsonObject n = nbgrader();
            JsonElement f = n == null ? null : n.get(name);
            return f != null && f.isJsonPrimitive() && f.getAsJsonPrimitive().isBoolean() && f.getAsBoolean();
        }

        /** An exercise cell: nbgrader solution: true. */
        public boolean isExercise() {
            return flag("solution");
        }

        public boolean isLocked() {
            return flag("locked");
        }

        public double points() {
            JsonObject n = nbgrader();
            JsonElement p = n == null ? null : n.get("points");
            return p != null && p.isJsonPrimitive() && p.getAsJsonPrimitive().isNumber() ? p.getAsDouble() : 0;
        }

        /** Code cells lose their outputs and execution count. */
        public void clearOutputs() {
            if (isCode()) {
                json.add("outputs", new JsonArray());
                json.add("execution_count", null);
            }
        }

        public Cell copy() {
            return new Cell(json.deepCopy(), index);
        }
    }

    /** Temporary files start readable by their owner only; the file they become should be like any other. */
    static void readableByAll(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
    }
}
