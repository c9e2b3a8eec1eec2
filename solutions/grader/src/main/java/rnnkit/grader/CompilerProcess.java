package rnnkit.grader;

import com.google.gson.Gson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link CompileWorker} process, seen from the grader: started on first use and kept for later compilations
 * (javac warm, jars open), stopped and started anew when a compilation runs over its time or the worker dies.
 * One per grading thread.
 */
final class CompilerProcess implements AutoCloseable {


    private final List<String> command;
    private final Path log;
    private final Gson gson = new Gson();
    private Process process;
    private BlockingQueue<Object> lines;

    CompilerProcess(List<String> command, Path log) {
        this.command = command;
        this.log = log;
    }

    /** Compiles; a time-out or a dead worker gives a response with the reason in {@code failure}. */
    CompileWorker.Response compile(CompileWorker.Request request, Duration timeout) {
        try {
            start();
            OutputStream in = process.getOutputStream();
            in.write((gson.toJson(request) + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            Object line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                stop();
                return new CompileWorker.Response(List.of(), "compiling it took longer than " + timeout.toSeconds()
                        + " s (deeply nested generic expressions make javac's type inference explode)");
            }
            if (line == RunnerProcess.END) {
                stop();
                return new CompileWorker.Response(List.of(), "the compiler's process ended on this code (out of memory?)");
            }
            CompileWorker.Response response = gson.fromJson((String) line, CompileWorker.Response.class);
            if (response.failure() != null) {
                stop(); // after a stack overflow inside javac the JDK's compiler is not to be trusted: a new worker
            }
            return response;
        } catch (IOException e) {
            stop();
            return new CompileWorker.Response(List.of(), "the compiler's process ended on this code");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            return new CompileWorker.Response(List.of(), "grading was interrupted");
        }
    }

    private void start() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        stop();
        process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        lines = RunnerProcess.lines(process, "compiler-output");
    }

    void stop() {
        RunnerProcess.kill(process);
        process = null;
    }

    @Override
    public void close() {
        stop();
    }
}
