package rnnkit.grader;

import com.google.gson.JsonElement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * What a solution notebook says about grading: its exercises in order (grade_id, points, solution code), its
 * locked cells with their checksums, and everything else in order, since the code that comes before an exercise
 * is what that exercise may use.
 */
public final class Assignment {

    /**
     * One exercise: its id, points, the position of its cell, the reference solution, and the library code the
     * student must not call ({@link OffLimits}).
     */
    public record Exercise(String id, double points, int cell, String solution, List<String> offLimits) {
    }

    /** A read-only cell: id, position, type, original source and checksum. */
    public record Locked(String id, int cell, String type, String source, String checksum) {
    }

    private final String name;
    private final Notebook notebook;
    private final List<Exercise> exercises = new ArrayList<>();
    private final List<Locked> locked = new ArrayList<>();

    private Assignment(String name, Notebook notebook) {
        this.name = name;
        this.notebook = notebook;
        Set<String> ids = new HashSet<>();
        for (Notebook.Cell c : notebook.cells()) {
            String id = c.gradeId();
            if (id != null && !ids.add(id)) {
                throw new NotebookException(notebook.where() + ": grade_id '" + id + "' is used twice in the solution notebook");
            }
            if (c.isCode()) { // every region found where it belongs, or an error naming cell and line
                SolutionRegion.parse(c.source(), c.isExercise(), cellWhere(notebook, c));
            }
            if (c.isExercise()) {
                if (!c.isCode()) {
                    throw new NotebookException(notebook.where() + ": exercise '" + id + "' is not a code cell");
                }
                exercises.add(new Exercise(id, c.points(), c.index(), c.source(), offLimits(c)));
            } else if (c.isLocked()) {
                locked.add(new Locked(id, c.index(), c.type(), c.source(), checksum(c.type(), c.source())));
            }
        }
    }

    /** A cell of a solution notebook, for authoring errors: "solutions/notebooks/05-lstm-gru.ipynb, cell 12 ('gru_step')". */
    static String cellWhere(Notebook notebook, Notebook.Cell c) {
        return notebook.where() + ", cell " + (c.index() + 1) + (c.gradeId() == null ? "" : " ('" + c.gradeId() + "')");
    }

    /** {@code metadata.rnnkit.off_limits} of an exercise cell: a list of classes and Class#method names. */
    private List<String> offLimits(Notebook.Cell c) {
        JsonElement kit = c.metadata().get("rnnkit");
        JsonElement rules = kit != null && kit.isJsonObject() ? kit.getAsJsonObject().get("off_limits") : null;
        if (rules == null) {
            return List.of();
        }
        String where = notebook.where() + ", exercise '" + c.gradeId() + "': metadata.rnnkit.off_limits";
        if (!rules.isJsonArray()) {
            throw new NotebookException(where + " must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonElement r : rules.getAsJsonArray()) {
            if (!r.isJsonPrimitive() || !r.getAsJsonPrimitive().isString()) {
                throw new NotebookException(where + " must be a list of strings, not " + r);
            }
            String problem = OffLimits.invalid(r.getAsString());
            if (problem != null) {
                throw new NotebookException(where + ": " + problem);
            }
            out.add(r.getAsString());
        }
        return List.copyOf(out);
    }

    /** The assignment of a solution notebook, named after its file ("00-tour.ipynb" is "00-tour"). */
    public static Assignment load(Path solutionNotebook) {
        return new Assignment(NotebookFiles.name(solutionNotebook), Notebook.read(solutionNotebook));
    }

    public String name() {
        return name;
    }

    public Notebook notebook() {
        return notebook;
    }

    public List<Exercise> exercises() {
        return exercises;
    }

    public List<Locked> locked() {
        return locked;
    }

    public double maxScore() {
        return exercises.stream().mapToDouble(Exercise::points).sum();
    }

    /** The code of every code cell before cell {@code index} of the solution notebook, in order. */
    List<String> codeBefore(int index) {
        List<String> out = new ArrayList<>();
        for (Notebook.Cell c : notebook.cells()) {
            if (c.index() < index && c.isCode()) {
                out.add(c.source());
            }
        }
        return out;
    }

    /** SHA-256 of a cell's type and source (line endings normalized), as recorded in released notebooks. */
    public static String checksum(String type, String source) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((type + "\n" + source.replace("\r\n", "\n")).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
