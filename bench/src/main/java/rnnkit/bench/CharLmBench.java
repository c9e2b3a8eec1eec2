package rnnkit.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import rnnkit.core.Rng;
import rnnkit.models.Cell;
import rnnkit.models.LanguageModel;
import rnnkit.train.Clip;
import rnnkit.train.Optimizer;

/**
 * {@code ./build.sh bench}: the kit's character-LM training step against the same step in PyTorch
 * ({@code bench/torch_charlm.py}, run with Debian's python3-torch), measured alternately in one run.
 *
 * <p>The step: embedding -> {RNN, LSTM, GRU} -> linear -> softmax cross-entropy -> backward -> global-norm clip 5
 * -> Adam, with V = 65, B = 32, T = 64, E = 64, float64. For every model, hidden size and thread count, the two sides
 * take turns ({@code --repeats} rounds), each round in a fresh process whose BLAS uses that many threads; a round
 * times a few steps after twice as many of warm-up (the same counts on both sides: the JVM compiles the kit's loops
 * during its first steps, and students' training runs are hundreds of steps long), and the table gives the median tokens per second of each side. The kit's
 * own loops are single-threaded; its threads are OpenBLAS's. Writes {@code bench/results.csv}.
 */
public final class CharLmBench {

    static final int V = 65;
    static final int B = 32;
    static final int T = 64;
    static final int E = 64;

    private CharLmBench() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length == 5 && args[0].equals("--kit-only")) {   // one round of the kit's side, in a child JVM
            System.out.printf(Locale.ROOT, "tokens_per_s %.1f%n",
                    kit(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4])));
            return;
        }
        List<String> models = List.of(option(args, "--models", "rnn,lstm,gru").split(","));
        int[] hidden = Arrays.stream(option(args, "--hidden", "128,256,512").split(",")).mapToInt(Integer::parseInt).toArray();
        int[] threads = Arrays.stream(option(args, "--threads", "1,2").split(",")).mapToInt(Integer::parseInt).toArray();
        int repeats = Integer.parseInt(option(args, "--repeats", "3"));
        Path home = Path.of(option(args, "--home", "."));
        Path csv = home.resolve("bench/results.csv");
        String python = option(args, "--python", "/usr/bin/python3");

        System.out.println("kit matrix products: " + rnnkit.core.Gemm.implementation()
                + "; each round of each side runs in its own process with OPENBLAS_NUM_THREADS (and torch's threads) = the thread count");
        if (!Arrays.asList(args).contains("--no-gemm")) {
            GemmBench.run(home, python);
        }
        List<String> rows = new ArrayList<>();
        rows.add("model,hidden,dtype,threads,kit_tokens_per_s,torch_tokens_per_s,ratio");
        System.out.printf(Locale.ROOT, "%-5s %6s %8s %8s %14s %14s %7s%n", "model", "hidden", "dtype", "threads", "kit tokens/s",
                "torch tokens/s", "ratio");
        boolean torchMissing = false;
        for (String model : models) {
            for (int H : hidden) {
                for (int n : threads) {
                    int steps = H >= 512 ? 2 : H >= 256 ? 4 : 10;
                    int warmup = 2 * steps;
                    double[] kit = new double[repeats];
                    double[] torch = new double[repeats];
                    for (int r = 0; r < repeats; r++) {
                        kit[r] = child(List.of(javaBin(), "-cp", System.getProperty("java.class.path"), CharLmBench.class.getName(),
                                "--kit-only", model, String.valueOf(H), String.valueOf(steps), String.valueOf(warmup)), n, home);
                        torch[r] = torchMissing ? Double.NaN : child(List.of(python, home.resolve("bench/torch_charlm.py").toString(),
                                "--model", model, "--hidden", String.valueOf(H), "--threads", String.valueOf(n), "--steps",
                                String.valueOf(steps), "--warmup", String.valueOf(warmup)), n, home);
                        torchMissing = Double.isNaN(torch[r]);
                    }
                    double k = median(kit);
                    double t = median(torch);
                    System.out.printf(Locale.ROOT, "%-5s %6d %8s %8d %14.0f %14.0f %7.2f%n", model, H, "float64", n, k, t, k / t);
                    rows.add(String.format(Locale.ROOT, "%s,%d,float64,%d,%.0f,%s,%s", model, H, n, k,
                            Double.isNaN(t) ? "" : String.format(Locale.ROOT, "%.0f", t), Double.isNaN(t) ? "" : String.format(Locale.ROOT, "%.3f", k / t)));
                }
            }
        }
        Files.write(csv, rows, StandardCharsets.UTF_8);
        System.out.println("wrote " + csv);
        if (torchMissing) {
            System.out.println("PyTorch was not found, so only the kit was measured: apt-get install python3-torch to compare.");
        }
    }

    /** One training step of the kit: forward, backward, clip, Adam. */
    static void step(LanguageModel lm, Optimizer adam, int[][] x, int[][] y) {
        lm.zeroGrad();
        lm.forward(x, y, null, null);
        lm.backward();
        Clip.byGlobalNorm(lm.parameters(), 5.0);
        adam.step();
    }

    static int[][] tokens(Rng rng) {
        int[][] t = new int[T][B];
        for (int[] row : t) {
            for (int b = 0; b < B; b++) {
                row[b] = rng.nextInt(V);
            }
        }
        return t;
    }

    /** The kit's tokens per second over {@code steps} training steps after {@code warmup} others, in this JVM. */
    static double kit(String model, int H, int steps, int warmup) {
        LanguageModel lm = LanguageModel.of(Cell.valueOf(model.toUpperCase(Locale.ROOT)), V, E, H, 1, new Rng(1));
        Optimizer adam = new Optimizer.Adam(lm.parameters(), 2e-3);
        int[][] x = tokens(new Rng(2));
        int[][] y = tokens(new Rng(3));
        for (int w = 0; w < warmup; w++) {
            step(lm, adam, x, y);
        }
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            step(lm, adam, x, y);
        }
        return steps * (double) (B * T) / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * One round of one side in its own process with {@code threads} threads for its BLAS (OpenBLAS reads
     * OPENBLAS_NUM_THREADS when it loads, so each thread count needs a fresh process); NaN when torch is missing.
     */
    static double child(List<String> command, int threads, Path home) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).directory(home.toFile());
        pb.environment().put("OPENBLAS_NUM_THREADS", String.valueOf(threads));
        pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
        // PyTorch has two thread pools, OpenMP's and its BLAS's (OpenBLAS here); with OpenMP's threads spinning while
        // OpenBLAS works, both fight for the cores, and PyTorch ran 2-5 times slower with 2 threads than with 1.
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process p = pb.start();
        String last = "";
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                last = line;
            }
        }
        int code = p.waitFor();
        if (code == 3 || last.startsWith("torch_missing")) {
            return Double.NaN;
        }
        if (code != 0 || !last.startsWith("tokens_per_s ")) {
            throw new IOException(String.join(" ", command) + " failed (exit " + code + "): " + last);
        }
        return Double.parseDouble(last.substring("tokens_per_s ".length()));
    }

    static String javaBin() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
