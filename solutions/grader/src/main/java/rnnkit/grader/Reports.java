package rnnkit.grader;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Grading results in the formats instructors use: a console table, JSON, Gradescope's results.json, CSV, feedback notebooks. */
public final class Reports {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeSpecialFloatingPointValues().create();

    private Reports() {
    }

    /** A console table for one submission. */
    public static String text(Results.Submission s) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s  %s  %s / %s  (%.1f s)%n", s.student(), s.notebook(), num(s.score()),
                num(s.maxScore()), s.seconds()));
        if (s.error() != null) {
            sb.append("  not graded: ").append(s.error()).append('\n');
            return sb.toString();
        }
        for (Results.Exercise e : s.exercises()) {
            sb.append(String.format(Locale.ROOT, "  %-28s %6s / %-5s %s%n", e.id(), num(e.score()), num(e.points()), e.status().label()));
            if (e.status() != Results.Status.PASSED) {
                for (String line : e.feedback().split("\n")) {
                    sb.append("      ").append(line).append('\n');
                }
            }
        }
        for (String n : s.notes()) {
            sb.append("  note: ").append(n).append('\n');
        }
        return sb.toString();
    }

    /** The full result as JSON. */
    public static String json(Object resultOrList) {
        return GSON.toJson(resultOrList) + "\n";
    }

    public static Results.Submission fromJson(String json) {
        return GSON.fromJson(json, Results.Submission.class);
    }

    /**
     * Gradescope's autograder results: top-level {@code score}, {@code execution_time}, {@code output}, and one
     * entry per exercise in {@code tests} with {@code name}, {@code score}, {@code max_score}, {@code status},
     * {@code output} and {@code visibility}.
     */
    public static String gradescope(Results.Submission s) {
        JsonObject root = new JsonObject();
        root.addProperty("score", s.score());
        root.addProperty("execution_time", (int) Math.ceil(s.seconds()));
        StringBuilder output = new StringBuilder();
        if (s.error() != null) {
            output.append("Your notebook could not be graded: ").append(s.error()).append('\n');
        }
        s.notes().forEach(n -> output.append("Note: ").append(n).append('\n'));
        root.addProperty("output", output.toString().isEmpty() ? "Graded " + s.notebook() + "." : output.toString().strip());
        JsonArray tests = new JsonArray();
        for (Results.Exercise e : s.exercises()) {
            JsonObject t = new JsonObject();
            t.addProperty("name", e.id());
            t.addProperty("score", e.score());
            t.addProperty("max_score", e.points());
            t.addProperty("status", e.status() == Results.Status.PASSED ? "passed" : "failed");
            t.addProperty("output", e.feedback() + (e.output().isBlank() ? "" : "\n\nYour code printed:\n" + e.output()));
            t.addProperty("visibility", "visible");
            tests.add(t);
        }
        root.add("tests", tests);
        return GSON.toJson(root) + "\n";
    }

    /** A gradebook: one row per submission, one column per exercise (in first-seen order). */
    public static String csv(List<Results.Submission> submissions) {
        Set<String> exercises = new LinkedHashSet<>();
        submissions.forEach(s -> s.exercises().forEach(e -> exercises.add(e.id())));
        StringBuilder sb = new StringBuilder("student,notebook,score,max_score");
        exercises.forEach(e -> sb.append(',').append(csvField(e)));
        sb.append(",error\n");
        for (Results.Submission s : submissions) {
            sb.append(csvField(s.student())).append(',').append(csvField(s.notebook())).append(',')
                    .append(num(s.score())).append(',').append(num(s.maxScore()));
            for (String id : exercises) {
                sb.append(',');
                s.exercises().stream().filter(e -> e.id().equals(id)).findFirst().ifPresent(e -> sb.append(num(e.score())));
            }
            sb.append(',').append(s.error() == null ? "" : csvField(s.error())).append('\n');
        }
        return sb.toString();
    }

    /** A copy of the submission with a feedback cell after each exercise (the submission itself is not touched). */
    public static Notebook feedback(Path submission, Results.Submission s) {
        Notebook nb = Notebook.read(submission);
        List<Notebook.Cell> cells = new ArrayList<>();
        for (Notebook.Cell c : nb.cells()) {
            cells.add(c);
            if (c.isExercise()) {
                s.exercises().stream().filter(e -> e.id().equals(c.gradeId())).findFirst().ifPresent(e -> cells.add(
                        Notebook.Cell.markdown("**Feedback on `" + e.id() + "`: " + num(e.score()) + " / " + num(e.points())
                                + " (" + e.status().label() + ")**\n\n```\n" + e.feedback() + "\n```")));
            }
        }
        nb.setCells(cells);
        return nb;
    }

    /** Writes text to a file atomically: readers see the old file or the whole new one. */
    public static void write(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Notebook.readableByAll(tmp);
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
