package rnnkit.grader;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

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

    /** Compile exercise {@code exercise} of {@code notebook} from the student's cell code into {@code out}. */
    record Request(String notebook, String exercise, String code, List<String> classpath, String out) {
    }

    /** javac's errors (none: it compiled), or why the compiler could not be asked. */
    record Response(List<Javac.Problem> problems, String failure) {
    }

    private CompileWorker() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream responses = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // javac and JShell print nothing there, but nothing may mix with the responses
        Map<String, Assignment> assignments = new HashMap<>();
        try (Stream<Path> files = Files.list(Path.of(args[0]).resolve("solutions/notebooks"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".ipynb")).toList()) {
                Assignment a = Assignment.load(p);
                assignments.put(a.name(), a);
            }
        }
        Gson gson = new GsonBuilder().disableHtmlEscaping().create();
        BufferedReader requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Sources sources = new Sources();
        Javac javac = new Javac();
        for (String line = requests.readLine(); line != null; line = requests.readLine()) {
            Request r = gson.fromJson(line, Request.class);
            Response response;
            try {
                Assignment a = assignments.get(r.notebook());
                Assignment.Exercise x = a.exercises().stream().filter(e -> e.id().equals(r.exercise())).findFirst().orElseThrow();
                Sources.Generated g = sources.exercise(a, x, r.code());
                response = new Response(javac.compileSources(List.of(g), r.classpath().stream().map(Path::of).toList(),
                        Path.of(r.out())), null);
            } catch (StackOverflowError e) {
                response = new Response(List.of(), "the code is nested too deeply for the compiler (it ran out of stack)");
            } catch (RuntimeException | Error e) {
                response = new Response(List.of(), "the compiler failed on this code (" + e.getClass().getSimpleName() + ")");
            }
            if (response.failure() != null) { // javac's and JShell's state after such a failure is not to be trusted
                javac.close();
                sources = new Sources();
                javac = new Javac();
            }
            responses.println(gson.toJson(response));
        }
        javac.close();
    }
}
