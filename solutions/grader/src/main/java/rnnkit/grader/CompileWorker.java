package rnnkit.grader;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import rnnkit.grader.runner.ExerciseRunner;

/**
 * The process that turns a student's exercise cell into a class and compiles it, apart from the grader: a cell can
 * be made to exhaust javac's stack (thousands of nested parentheses) or its type inference (minutes for a few nested
 * generic expressions). Here that costs a stack overflow or a kill after the time limit, and the exercise's points;
 * the grader and the rest of the batch go on ({@link CompilerProcess} restarts the worker). It runs no student code.
 *
 * <pre>java ... rnnkit.grader.CompileWorker KIT</pre>
 *
 * <p>One {@link Request} per line of standard input (JSON), one {@link Response} per line of standard output.
 */
final class CompileWorker {

    /** One exercise cell to compile into {@code out}, with the cells before it that may hold its helpers. */
    record Unit(String exercise, String code, List<Sources.HelperCell> helpers, String out) {
    }

    /** The exercise cells of one submitted notebook, compiled together where they can be; {@code scratch}: a folder. */
    record Request(String notebook, List<Unit> units, List<String> classpath, String scratch) {
    }

    /**
     * Per unit: javac's errors in its cell (none: it compiled), notes on helpers that were left out, and why it could
     * not be compiled at all (null when it could).
     */
    record Compiled(List<Javac.Problem> problems, List<String> notes, String failure, List<ExerciseRunner.HelperLines> helpers) {
        Compiled(List<Javac.Problem> problems, List<String> notes) {
            this(problems, notes, null, List.of());
        }

        /** A unit that could not be compiled at all, and why. */
        static Compiled failed(String failure) {
            return new Compiled(List.of(), List.of(), failure, List.of());
        }

        /** Where a line of the generated file is in the notebook: "line 4" of the cell, or a helper's cell and line. */
        String where(int line) {
            return ExerciseRunner.HelperLines.where(helpers, line);
        }
    }

    /** Per unit, in order; or why the compiler could not be asked. */
    record Response(List<Compiled> units, String failure) {
    }

    private final Map<String, Assignment> assignments;
    private final Sources sources = new Sources();
    private final Javac javac = new Javac();

    private CompileWorker(Map<String, Assignment> assignments) {
        this.assignments = assignments;
    }

    public static void main(String[] args) throws Exception {
        PrintStream responses = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // javac and JShell print nothing there, but nothing may mix with the responses
        Map<String, Assignment> assignments = new HashMap<>();
        for (Path p : NotebookFiles.solutions(Path.of(args[0]))) {
            Assignment a = Assignment.load(p);
            assignments.put(a.name(), a);
        }
        CompileWorker worker = new CompileWorker(assignments);
        Gson gson = new GsonBuilder().disableHtmlEscaping().create();
        BufferedReader requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = requests.readLine(); line != null; line = requests.readLine()) {
            Request r = gson.fromJson(line, Request.class);
            Response response;
            try {
                response = new Response(worker.compile(r), null);
            } catch (RuntimeException | Error | IOException e) {
                boolean tooDeep = false;
                for (Throwable t = e; t != null; t = t.getCause()) {
                    tooDeep |= t instanceof StackOverflowError; // javac's parser wraps it
                }
                e.printStackTrace(); // into the grader's compiler.log
                response = new Response(List.of(), tooDeep ? "the code is nested too deeply for the compiler (it ran out of stack)"
                        : "the compiler failed on this code (" + e.getClass().getSimpleName() + ")");
            }
            responses.println(gson.toJson(response));
            if (response.failure() != null) {
                break; // javac's and JShell's state after such a failure is not to be trusted; the grader starts a new worker
            }
        }
        worker.javac.close();
    }

    /**
     * All units in one javac run when they compile on their own (one run costs about as much as one unit alone);
     * when any does not, each unit on its own, with the helpers it needs, so that each gets only its own errors.
     */
    private List<Compiled> compile(Request r) throws IOException {
        Assignment a = assignments.get(r.notebook());
        List<Path> classpath = r.classpath().stream().map(Path::of).toList();
        List<Compiled> out = new ArrayList<>();
        if (r.units().size() > 1 && r.units().stream().map(Unit::exercise).distinct().count() == r.units().size()) {
            List<Sources.Generated> all = new ArrayList<>();
            for (Unit u : r.units()) {
                all.add(sources.exercise(a, exercise(a, u), u.code()));
            }
            Path batch = Files.createDirectories(Path.of(r.scratch()));
            if (javac.compileSources(all, classpath, batch).isEmpty()) {
                for (int i = 0; i < all.size(); i++) {
                    move(batch, all.get(i).className(), Path.of(r.units().get(i).out()));
                    out.add(new Compiled(List.of(), List.of()));
                }
                return out;
            }
        }
        for (Unit u : r.units()) {
            Files.createDirectories(Path.of(u.out()));
            out.add(compile(a, u, classpath));
        }
        return out;
    }

    private static final Pattern MISSING = Pattern.compile("cannot find symbol\\s+symbol:\\s+(?:variable|method|class)\\s+([A-Za-z_$][\\w$]*)");

    /**
     * One unit. Helpers from the cells before it come in as javac asks for them (a symbol it cannot find); a helper
     * that does not compile is left out with a note, so that the exercise fails to compile only if it needs that
     * helper. Errors in the cell itself are the unit's problems.
     */
    private Compiled compile(Assignment a, Unit u, List<Path> classpath) {
        Assignment.Exercise x = exercise(a, u);
        List<Sources.Declaration> candidates = List.of();
        List<Sources.Declaration> included = new ArrayList<>();
        List<Sources.Declaration> dropped = new ArrayList<>();
        Set<String> missing = new HashSet<>();
        List<String> notes = new ArrayList<>();
        while (true) {
            Sources.Generated g = sources.exercise(a, x, u.code(), candidates.stream().filter(included::contains).toList());
            List<Javac.Problem> problems = javac.compileSources(List.of(g), classpath, Path.of(u.out()));
            Set<String> now = new HashSet<>();
            for (Javac.Problem p : problems) {
                Matcher m = MISSING.matcher(p.message());
                if (m.find()) {
                    now.add(m.group(1));
                }
            }
            if (missing.addAll(now)) {
                // Only cells that name a missing symbol are read: reading a cell costs JShell's analysis, which a
                // hostile cell can make very slow, and most exercises need no helper at all.
                candidates = sources.helpers(a, u.code(), u.helpers().stream()
                        .filter(c -> missing.stream().anyMatch(c.code()::contains)).toList());
            }
            List<Sources.Declaration> wanted = candidates.stream()
                    .filter(d -> now.contains(d.name()) && !included.contains(d) && !dropped.contains(d)).toList();
            if (!wanted.isEmpty()) {
                included.addAll(wanted);
                continue;
            }
            List<Javac.Problem> inCell = new ArrayList<>();
            List<Sources.Declaration> broken = new ArrayList<>();
            for (Javac.Problem p : problems) {
                Sources.Placed in = g.helpers().stream().filter(h -> p.line() >= h.first() && p.line() <= h.last()).findFirst().orElse(null);
                if (in == null) {
                    inCell.add(p);
                } else if (!broken.contains(in.declaration())) {
                    broken.add(in.declaration());
                    notes.add("your helper " + in.declaration().describe() + " does not compile (line "
                            + (in.declaration().line() + p.line() - in.first()) + " of its cell: " + p.message().replace("\n", " ")
                            + "), so it was left out when grading '" + x.id() + "'");
                }
            }
            if (broken.isEmpty()) {
                return new Compiled(inCell, notes, null, g.helpers().stream().map(h -> new ExerciseRunner.HelperLines(h.first(), h.last(),
                        h.declaration().name(), h.declaration().cell(), h.declaration().line())).toList());
            }
            included.removeAll(broken);
            dropped.addAll(broken);
        }
    }

    private static Assignment.Exercise exercise(Assignment a, Unit u) {
        return a.exercises().stream().filter(e -> e.id().equals(u.exercise())).findFirst().orElseThrow();
    }

    /** The class files of {@code className} (and its nested classes) from a batch's output to a unit's. */
    private static void move(Path batch, String className, Path out) throws IOException {
        Path from = batch.resolve(Sources.PACKAGE);
        Path to = Files.createDirectories(out.resolve(Sources.PACKAGE));
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(f -> f.getFileName().toString().equals(className + ".class")
                    || f.getFileName().toString().startsWith(className + "$")).toList()) {
                Files.move(f, to.resolve(f.getFileName()));
            }
        }
    }
}
