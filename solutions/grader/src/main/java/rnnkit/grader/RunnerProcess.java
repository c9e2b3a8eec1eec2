package rnnkit.grader;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import rnnkit.grader.runner.ExerciseRunner;

/**
 * One submission's test JVM ({@link ExerciseRunner}), seen from the grader: started once and reused for the
 * submission's exercises, restarted after one that runs over its time or ends the JVM. Reports come back on the
 * JVM's standard output behind a secret token that the grader hands over on its standard input and that student
 * code, which may only compute, never sees; every other line is ignored, and lines are read with a length cap. The
 * hidden tests go the same way, as bytes, so that no file the JVM can read holds them.
 */
final class RunnerProcess implements AutoCloseable {

    /** What running an exercise gave: a report, or why there is none. */
    record Outcome(ExerciseRunner.Report report, Results.Status failure, String detail) {
    }

    private static final int MAX_LINE = 8 << 20; // a report holds at most the output cap, escaped, and test messages
    /** What {@link #lines} puts last, when the process's output closes. */
    static final Object END = new Object();

    private final List<String> command;
    private final Path directory;
    private final Path log;
    private final String tests;
    private final Gson gson = new Gson();
    private Process process;
    private String token;
    private BlockingQueue<Object> lines;

    /** {@code tests}: the hidden tests' jar in base64, handed over on standard input (it is no file the JVM may read). */
    RunnerProcess(List<String> command, Path directory, Path log, String tests) {
        this.command = command;
        this.directory = directory;
        this.log = log;
        this.tests = tests;
    }

    /** Starts the JVM now (it boots while the first exercise compiles); a no-op when one is running. */
    void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        stop();
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            ExerciseJvm.environment(pb, directory);
            process = pb.start();
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            token = "rnnkit-report-" + HexFormat.of().formatHex(secret);
            lines = lines(process, "runner-output");
            send(token);
            send(tests);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the test JVM: " + e.getMessage(), e);
        }
    }

    /** Runs one exercise; on a time-out or a JVM that ended, the JVM is stopped and the next call starts a new one. */
    Outcome run(ExerciseRunner.Request request, Duration timeout) {
        start();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            send(gson.toJson(request));
            while (true) {
                long left = deadline - System.nanoTime();
                Object line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
                if (line == null) {
                    stop();
                    return new Outcome(null, Results.Status.TIMEOUT, "stopped after the time limit of "
                            + timeout.toSeconds() + " s: an infinite loop, or far too much work?");
                }
                if (line == END) {
                    int code = waitForExit();
                    stop();
                    return new Outcome(null, Results.Status.CRASHED, "the test JVM ended (exit code " + code
                            + ") before the tests finished: out of memory outside a test, or a crash");
                }
                String text = (String) line;
                if (text.startsWith(token + " ")) {
                    try {
                        return new Outcome(gson.fromJson(text.substring(token.length() + 1), ExerciseRunner.Report.class), null, null);
                    } catch (JsonParseException e) {
                        stop();
                        return new Outcome(null, Results.Status.CRASHED, "the test JVM sent an unreadable report");
                    }
                }
            }
        } catch (IOException e) { // the JVM is gone: writing to it failed
            stop();
            return new Outcome(null, Results.Status.CRASHED, "the test JVM ended before the tests started");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            return new Outcome(null, Results.Status.NOT_GRADED, "grading was interrupted");
        }
    }

    private void send(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private int waitForExit() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * A queue of the lines a process writes to its standard output, read by a thread of its own, {@link #END} when the
     * output closes; a line over the cap is dropped. (The compile worker's responses come the same way.)
     */
    static BlockingQueue<Object> lines(Process p, String threadName) {
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> readLines(p.getInputStream(), queue), threadName);
        reader.setDaemon(true);
        reader.start();
        return queue;
    }

    private static void readLines(InputStream in, BlockingQueue<Object> lines) {
        boolean tooLong = false;
        byte[] buf = new byte[1 << 16];
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        if (!tooLong) {
                            lines.add(bytes.toString(StandardCharsets.UTF_8));
                        }
                        bytes.reset();
                        tooLong = false;
                    } else if (bytes.size() < MAX_LINE) {
                        bytes.write(buf[i]);
                    } else {
                        tooLong = true;
                    }
                }
            }
        } catch (IOException e) {
            // the JVM was killed
        }
        lines.add(END);
    }

    /** Lets the JVM end by itself (its input closes), waiting up to {@code timeout}; then stops what is left. */
    void finish(Duration timeout) {
        if (process != null) {
            try {
                process.getOutputStream().close();
                process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (IOException e) {
                // already gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stop();
    }

    /** Stops the JVM and every process it started. */
    void stop() {
        kill(process);
        process = null;
    }

    /** Kills a process (null: none) and every process it started, and waits for it to end. */
    static void kill(Process p) {
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
