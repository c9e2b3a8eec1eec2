package rnnkit.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Trainable;
import rnnkit.core.Parameter;

/**
 * Saving and loading a model's parameters. The format, big-endian as {@link DataOutputStream} writes it:
 * <pre>
 *   UTF    "rnnkit-model"          (magic)
 *   int    1                       (format version)
 *   int    n                       (number of parameters)
 *   n times:
 *     UTF    name                  (as in Trainable.parameters(), e.g. "rnn.layer0.Wh")
 *     int    rows, int cols
 *     double rows*cols values, row by row
 * </pre>
 * Loading matches parameters by name and shape and says which one differs; a save replaces the file only
 * once it is completely written.
 */
public final class ModelFile {

    private static final String MAGIC = "rnnkit-model";
    private static final int VERSION = 1;

    private ModelFile() {
    }

    public static void save(Trainable model, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            List<Parameter> params = model.parameters();
            out.writeUTF(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(params.size());
            for (Parameter p : params) {
                out.writeUTF(p.name());
                out.writeInt(p.value.numRows);
                out.writeInt(p.value.numCols);
                for (int i = 0; i < p.size(); i++) {
                    out.writeDouble(p.value.data[i]);
                }
            }
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads the values into {@code model}'s parameters; the file must have exactly those names and shapes. */
    public static void load(Trainable model, Path file) throws IOException {
        Map<String, DMatrixRMaj> read = new HashMap<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            String magic;
            try {
                magic = in.readUTF();
            } catch (IOException e) {
                throw new IOException(file + " is not an rnnkit model file");
            }
            if (!MAGIC.equals(magic)) {
                throw new IOException(file + " is not an rnnkit model file");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException(file + " has format version " + version + "; this library reads version " + VERSION);
            }
            int n = in.readInt();
            for (int k = 0; k < n; k++) {
                String name = in.readUTF();
                DMatrixRMaj m = new DMatrixRMaj(in.readInt(), in.readInt());
                for (int i = 0; i < m.getNumElements(); i++) {
                    m.data[i] = in.readDouble();
                }
                read.put(name, m);
            }
        } catch (EOFException e) {
            throw new IOException(file + " ends early: it is truncated");
        }
        java.util.Set<String> unused = new java.util.HashSet<>(read.keySet());
        for (Parameter p : model.parameters()) {
            DMatrixRMaj m = read.get(p.name());
            if (m == null) {
                throw new IOException(file + " has no parameter '" + p.name() + "' (it has " + read.keySet() + ")");
            }
            if (m.numRows != p.value.numRows || m.numCols != p.value.numCols) {
                throw new IOException(file + ": parameter '" + p.name() + "' is " + m.numRows + "\u00d7" + m.numCols
                        + " in the file but " + p.value.numRows + "\u00d7" + p.value.numCols + " in the model");
            }
            unused.remove(p.name());
        }
        if (!unused.isEmpty()) {
            throw new IOException(file + " has parameters the model lacks: " + unused);
        }
        for (Parameter p : model.parameters()) { // only now that everything matched: a failed load changes nothing
            p.value.setTo(read.get(p.name()));
        }
    }
}
