package rnnkit.testing;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Sequence;

/** Reads the reference values that lib/scripts/make_torch_fixtures.py computed with PyTorch. */
public final class Fixtures {

    private final JsonObject root;

    private Fixtures(JsonObject root) {
        this.root = root;
    }

    public static Fixtures load(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/rnnkit/fixtures/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new Fixtures(JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Fixtures get(String name) {
        return new Fixtures(root.getAsJsonObject(name));
    }

    public int integer(String name) {
        return root.get(name).getAsInt();
    }

    public DMatrixRMaj matrix(String name) {
        return toMatrix(root.getAsJsonArray(name));
    }

    /** Element i of a list of matrices. */
    public DMatrixRMaj matrixAt(String name, int i) {
        return toMatrix(root.getAsJsonArray(name).get(i).getAsJsonArray());
    }

    private static DMatrixRMaj toMatrix(JsonArray rows) {
        int cols = rows.get(0).getAsJsonArray().size();
        DMatrixRMaj m = new DMatrixRMaj(rows.size(), cols);
        for (int r = 0; r < rows.size(); r++) {
            JsonArray row = rows.get(r).getAsJsonArray();
            for (int c = 0; c < cols; c++) {
                m.set(r, c, row.get(c).getAsDouble());
            }
        }
        return m;
    }

    /** A time-major (T·B)×D matrix as a sequence of T steps. */
    public Sequence sequence(String name) {
        DMatrixRMaj stacked = matrix(name);
        int T = integer("T");
        Sequence s = new Sequence(T, stacked.numRows / T, stacked.numCols);
        s.unstack(stacked);
        return s;
    }

    public double number(String name) {
        return root.get(name).getAsDouble();
    }

    /** A list of lists of integers, as int[rows][cols]. */
    public int[][] integers(String name) {
        JsonArray rows = root.getAsJsonArray(name);
        int[][] out = new int[rows.size()][];
        for (int r = 0; r < out.length; r++) {
            JsonArray row = rows.get(r).getAsJsonArray();
            out[r] = new int[row.size()];
            for (int c = 0; c < out[r].length; c++) {
                out[r][c] = row.get(c).getAsInt();
            }
        }
        return out;
    }

    /** The names of this object's entries. */
    public java.util.Set<String> names() {
        return root.keySet();
    }

    public boolean has(String name) {
        JsonElement e = root.get(name);
        return e != null && !e.isJsonNull();
    }
}
