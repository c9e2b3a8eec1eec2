package rnnkit.grader;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import rnnkit.grader.runner.ExerciseRunner;

/**
 * How a student's test JVM ({@link ExerciseRunner}) is started: its command, options, class path and environment.
 * The class path is fixed (see {@link ExerciseClasspath}); the hidden tests, the reference context and the student's
 * classes go into a class loader per exercise. {@link RunnerProcess} runs the command.
 */
final class ExerciseJvm {

    private final String java;
    private final List<Path> classpath;
    private final int heapMegabytes;
    private final String runAs;
    private final Path classArchive;

    /** {@code runAs}: the unprivileged user the JVM runs as, or null (ourselves); {@code classArchive} may be null. */
    ExerciseJvm(String java, List<Path> classpath, int heapMegabytes, String runAs, Path classArchive) {
        this.java = java;
        this.classpath = List.copyOf(classpath);
        this.heapMegabytes = heapMegabytes;
        this.runAs = runAs;
        this.classArchive = classArchive;
    }

    List<Path> classpath() {
        return classpath;
    }

    /** The command that starts a test JVM: as the unprivileged user where there is one, with class-data sharing. */
    List<String> command() {
        List<String> command = new ArrayList<>();
        if (runAs != null) {
            command.addAll(List.of("runuser", "-u", runAs, "--"));
        }
        command.add(java);
        if (classArchive != null) {
            command.addAll(List.of("-XX:SharedArchiveFile=" + classArchive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        }
        return withOptionsAndClasspath(command);
    }

    private List<String> withOptionsAndClasspath(List<String> command) {
        command.addAll(List.of("-Xmx" + heapMegabytes + "m", "-Xss4m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:-UsePerfData", "-Djava.awt.headless=true"));
        command.addAll(List.of("-cp", classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                ExerciseRunner.class.getName()));
        return command;
    }

    /**
     * This JVM with a class-data-sharing archive of what every exercise JVM loads (JUnit, the library, the test kit),
     * made by one trial run of {@code trial} in {@code scratch}: later JVMs map it instead of loading those classes one
     * by one, which makes each start faster. Unchanged when the archive could not be made (the JVMs then simply start
     * without it).
     */
    ExerciseJvm withClassArchive(Path archive, Path scratch, ExerciseRunner.Request trial, String testsBase64) {
        try {
            Files.createDirectories(scratch);
            List<String> command = withOptionsAndClasspath(new ArrayList<>(List.of(java, "-XX:ArchiveClassesAtExit=" + archive,
                    "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off")));
            try (RunnerProcess run = new RunnerProcess(command, scratch, scratch.resolve("jvm.log"), testsBase64)) {
                run.run(trial, Duration.ofSeconds(60));
                run.finish(Duration.ofSeconds(60));
            }
            return Files.exists(archive) ? new ExerciseJvm(java, classpath, heapMegabytes, runAs, archive) : this;
        } catch (IOException | RuntimeException e) {
            return this;
        }
    }

    /** The environment of a test JVM: nothing about the kit's location reaches the student's code. */
    static void environment(ProcessBuilder pb, Path scratch) {
        Map<String, String> env = pb.environment();
        String path = env.getOrDefault("PATH", "/usr/bin:/bin");
        env.clear();
        env.put("PATH", path);
        env.put("HOME", scratch.toString());
        env.put("LANG", "C.UTF-8");
        env.put("OPENBLAS_NUM_THREADS", "1"); // the library's products: one BLAS thread, as in the kernel
    }
}
