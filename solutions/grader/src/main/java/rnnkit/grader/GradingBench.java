package rnnkit.grader;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A class of made-up students for timing the grader at class scale ({@code ./build.sh bench --grading}): each student
 * hands in every notebook of the course, each exercise the reference solution or, with probability 1/4, one of the
 * mutation suite's plausible mistakes for it (solutions/mutations/). The same seed gives the same class.
 */
final class GradingBench {

    private GradingBench() {
    }

    /** Writes {@code students} folders s001, s002, ... of full-course submissions into {@code out}; returns the notebook count. */
    static int makeClass(Path kit, Path out, int students, long seed) throws IOException {
        Map<String, Map<String, List<String[]>>> mutations = new HashMap<>(); // notebook -> exercise -> [find, replace]
        try (Stream<Path> files = Files.list(kit.resolve("solutions/mutations"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonObject o = JsonParser.parseString(Files.readString(f)).getAsJsonObject();
                for (JsonElement m : o.getAsJsonArray("mutations")) {
                    JsonObject mo = m.getAsJsonObject();
                    mutations.computeIfAbsent(o.get("notebook").getAsString(), k -> new HashMap<>())
                            .computeIfAbsent(mo.get("exercise").getAsString(), k -> new ArrayList<>())
                            .add(new String[]{mo.get("find").getAsString(), mo.get("replace").getAsString()});
                }
            }
        }
        List<Path> notebooks = NotebookFiles.solutions(kit);
        Random random = new Random(seed);
        int count = 0;
        for (int s = 1; s <= students; s++) {
            Path folder = Files.createDirectories(out.resolve(String.format("s%03d", s)));
            for (Path p : notebooks) {
                Notebook nb = Notebook.read(p);
                String name = NotebookFiles.name(p);
                for (Notebook.Cell c : nb.cells()) {
                    List<String[]> options = c.gradeId() == null ? null : mutations.getOrDefault(name, Map.of()).get(c.gradeId());
                    if (options != null && random.nextInt(4) == 0) {
                        String[] m = options.get(random.nextInt(options.size()));
                        c.setSource(c.source().replace(m[0], m[1]));
                    }
                }
                nb.write(folder.resolve(p.getFileName()));
                count++;
            }
        }
        return count;
    }

    /** Appends one timing to bench/grading.csv (with a header when the file is new). */
    static void record(Path kit, int students, int notebooks, int exercises, int jobs, double seconds) throws IOException {
        Path csv = kit.resolve("bench/grading.csv");
        if (!Files.exists(csv)) {
            Files.writeString(csv, "date,students,notebooks,exercises,jobs,cores,seconds,seconds_per_student,ms_per_exercise_cpu_slot\n");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        Files.writeString(csv, String.format(java.util.Locale.ROOT, "%s,%d,%d,%d,%d,%d,%.1f,%.2f,%.0f%n", LocalDate.now(), students,
                notebooks, exercises, jobs, cores, seconds, seconds / students, 1000 * seconds * Math.min(jobs, cores) / exercises),
                StandardOpenOption.APPEND);
    }
}
