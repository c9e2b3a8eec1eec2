package rnnkit.grader;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Student notebooks from the solution notebooks: every {@link SolutionRegion} becomes a stub that throws "not
 * implemented yet", outputs are cleared, read-only cells are made read-only in Jupyter ({@code editable}/{@code deletable} false) and get the checksum of their source, and cells marked
 * {@code rnnkit.solution_only} are left out.
 */
public final class Release {

    private Release() {
    }

    /** At the top of every student notebook with exercises: what the grader counts (README, "Grading"). */
    static final String GRADING_NOTE = String.join("\n",
            "> **How the exercises are graded.** Hidden tests call what each exercise cell *defines* (its methods, classes and",
            "> constants); statements in it, such as prints and checks, are not graded. Helpers you write in a cell of your own, or",
            "> next to an earlier answer, count when they are defined *above* the exercise that uses them, as they do when you run",
            "> the notebook from the top. An exercise is graded with the course's own answers to the exercises before it, so a",
            "> mistake costs only its own exercise. Graded code may only compute: an exercise that uses files, processes, threads,",
            "> reflection, the network or `System.exit` earns nothing, and the feedback names the call and its line.");

    /** The student version of one solution notebook. */
    public static Notebook studentVersion(Notebook solution, String name) {
        Notebook nb = solution.copy();
        List<Notebook.Cell> kept = new ArrayList<>();
        for (Notebook.Cell c : nb.cells()) {
            JsonObject rnnkit = c.metadata().has("rnnkit") ? c.metadata().getAsJsonObject("rnnkit") : null;
            if (rnnkit != null && rnnkit.has("solution_only") && rnnkit.get("solution_only").getAsBoolean()) {
                continue;
            }
            c.clearOutputs();
            c.metadata().remove("execution"); // when the solution ran: nothing a student needs
            if (c.isCode() && !c.isExercise()) { // a marker here would hand its solution to students: an error
                SolutionRegion.parse(c.source(), false, Assignment.cellWhere(solution, c));
            }
            if (c.isExercise()) {
                c.setSource(SolutionRegion.stub(c.source(), c.gradeId(), Assignment.cellWhere(solution, c)));
            } else if (c.isLocked()) {
                c.metadata().addProperty("editable", false);
                c.metadata().addProperty("deletable", false);
                c.nbgrader().addProperty("checksum", Assignment.checksum(c.type(), c.source()));
            }
            kept.add(c);
        }
        if (kept.stream().anyMatch(Notebook.Cell::isExercise) && !kept.isEmpty()) {
            Notebook.Cell note = Notebook.Cell.markdown(GRADING_NOTE);
            note.metadata().addProperty("editable", false);
            note.metadata().addProperty("deletable", false);
            kept.add(1, note); // under the title and introduction
        }
        nb.setCells(kept);
        JsonObject meta = new JsonObject();
        meta.addProperty("notebook", name);
        nb.metadata().add("rnnkit", meta);
        return nb;
    }

    /** Writes the student version of every solution notebook into {@code out}; returns the files written. */
    public static List<Path> release(Path solutions, Path out) throws IOException {
        List<Path> written = new ArrayList<>();
        for (Path p : NotebookFiles.list(solutions)) {
            Path target = out.resolve(p.getFileName());
            studentVersion(Notebook.read(p), NotebookFiles.name(p)).write(target);
            written.add(target);
        }
        return written;
    }

    /** What is wrong with {@code notebooks} compared with a fresh release: missing or out-of-date files. */
    public static List<String> outdated(Path solutions, Path notebooks) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path p : NotebookFiles.list(solutions)) {
            Path student = notebooks.resolve(p.getFileName());
            if (!Files.exists(student)) {
                problems.add(student + " is missing");
            } else if (!studentVersion(Notebook.read(p), NotebookFiles.name(p)).sameContent(Notebook.read(student))) {
                problems.add(student + " differs from the release of " + p);
            }
        }
        return problems;
    }

    /**
     * A zip for students: the kit without {@code solutions/} (no solution notebooks, no hidden tests, no grader),
     * with freshly released notebooks. {@code kit} is the kit's root; build outputs and git data are left out.
     */
    public static void bundle(Path kit, Path zip) throws IOException {
        Path tmp = Files.createTempDirectory("rnnkit-release-");
        try {
            release(kit.resolve("solutions/notebooks"), tmp);
            try (Zip z = new Zip(zip); Stream<Path> files = Files.walk(kit)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
                    String rel = kit.relativize(f).toString().replace('\\', '/');
                    if (rel.startsWith("solutions/") || rel.startsWith(".git/") || rel.contains("/target/")
                            || rel.startsWith("target/") || rel.startsWith("notebooks/") || f.equals(zip.toAbsolutePath())) {
                        continue;
                    }
                    z.add("rnn-course-kit/" + rel, f);
                }
                try (Stream<Path> released = Files.list(tmp)) {
                    for (Path f : released.sorted().collect(Collectors.toList())) {
                        z.add("rnn-course-kit/notebooks/" + f.getFileName(), f);
                    }
                }
            }
        } finally {
            FileTrees.delete(tmp);
        }
    }

}
