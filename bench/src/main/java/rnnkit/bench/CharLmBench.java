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
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import rnnkit.core.Precision;
import rnnkit.core.Rng;
import rnnkit.f32.core.Vectorized;
import rnnkit.models.Cell;
import rnnkit.models.LanguageModel;
import rnnkit.train.Clip;
import rnnkit.train.Optimizer;

/**
 * {@code ./build.sh bench}: the kit's character-LM training step against the same step in PyTorch
 * ({@code bench/torch_charlm.py}), measured alternately in one run: PyTorch 2.x from the venv the bench creates
 * ({@code --torch2}), and Debian's python3-torch 1.13 as a second column where it is installed ({@code --torch1}).
 *
 * <p>The step: embedding -> {RNN, LSTM, GRU} -> linear -> softmax cross-entropy -> backward -> global-norm clip 5
 * -> Adam, with V = 65, B = 32, T = 64, E = 64, in float32 and in float64 (the kit's float32 is
 * {@code LanguageModel.precision(FLOAT32)}). For every model, hidden size, precision and thread count the sides
 * take turns ({@code --repeats} rounds), each round in a fresh process whose BLAS uses that many threads; a round
 * times a few steps after twice as many of warm-up (the same counts on every side: the JVM compiles the kit's loops
 * during its first steps, and students' training runs are hundreds of steps long), and the table gives the median
 * tokens per second of each side. The kit's own loops are single-threaded; its threads are OpenBLAS's.
 *
 * <p>Each side's speed is also given as a fraction of one core's peak: the step's matrix-product FLOPs per second
 * (6 T B (G H (E + H) + H V) for a layer of G blocks: forward, and the two products of each backward) over the
 * fastest 1024&times;1024&times;1024 product either side's BLAS reaches on one thread in that precision, measured
 * at the start of the run. Writes {@code bench/results.csv}.
 */
public final class CharLmBench {

    static final int V = 65;
    static final int B = 32;
    static final int T = 64;
    static final int E = 64;
    /**
     * The least time each side warms up, and the least time it is timed, per round (both sides alike). The kit
     * reaches its steady rate after 3 to 7 s of training here (float32 LSTM, H = 128-512, 2026-12-01: its rate over
     * each half second rose in steps until then, e.g. 35k then 55k tokens/s at H = 256, while its JVM first touched
     * newly grown heap), and PyTorch 2.13 too ran faster after 8 s than after 2 (bench/README.md).
     */
    static final double WARMUP_SECONDS = 8;
    static final double MEASURE_SECONDS = 1;

    private CharLmBench() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length == 6 && args[0].equals("--kit-only")) {   // one round of the kit's side, in a child JVM
            System.out.printf(Locale.ROOT, "tokens_per_s %.1f%n", kit(args[1], Integer.parseInt(args[2]),
                    Integer.parseInt(args[3]), Integer.parseInt(args[4]), Precision.valueOf(args[5].toUpperCase(Locale.ROOT))));
            return;
        }
        if (args.length == 2 && args[0].equals("--kit-peak")) {     // the kit's 1024^3 product, one thread
            System.out.printf(Locale.ROOT, "gflops %.2f%n", kitPeak(args[1]));
            return;
        }
        List<String> models = List.of(option(args, "--models", "rnn,lstm,gru").split(","));
        int[] hidden = Arrays.stream(option(args, "--hidden", "128,256,512").split(",")).mapToInt(Integer::parseInt).toArray();
        int[] threads = Arrays.stream(option(args, "--threads", "1,2").split(",")).mapToInt(Integer::parseInt).toArray();
        List<String> dtypes = List.of(option(args, "--dtypes", "float32,float64").split(","));
        int repeats = Integer.parseInt(option(args, "--repeats", "3"));
        Path home = Path.of(option(args, "--home", "."));
        Path csv = home.resolve("bench/results.csv");
        String torch2 = option(args, "--torch2", "");
        String torch1 = option(args, "--torch1", "/usr/bin/python3");
        String[] sides = {"torch2", "torch1"};
        String[] pythons = {torch2, torch1};
        String[] versions = {version(torch2, home), version(torch1, home)};

        System.out.println("kit matrix products: " + rnnkit.core.Gemm.implementation() + "; PyTorch 2.x: "
                + (versions[0] == null ? "not found (" + (torch2.isEmpty() ? "no --torch2 python" : torch2) + ")" : versions[0])
                + "; PyTorch 1.x: " + (versions[1] == null ? "not found" : versions[1])
                + ". Each round of each side runs in its own process with OPENBLAS_NUM_THREADS (and torch's threads) = the thread count");
        if (!Arrays.asList(args).contains("--no-gemm")) {
            GemmBench.run(home, torch1);
        }
        Map<String, Double> peak = new LinkedHashMap<>();
        for (String dtype : dtypes) {
            double kitPeak = child(kitJava(CharLmBench.class.getName(),
                    "--kit-peak", dtype), 1, home, "gflops ", false);
            double torchPeak = versions[0] == null ? Double.NaN : child(List.of(torch2, home.resolve("bench/torch_charlm.py").toString(),
                    "--peak", "--dtype", dtype), 1, home, "gflops ", false);
            peak.put(dtype, Double.isNaN(torchPeak) ? kitPeak : Math.max(kitPeak, torchPeak));
            System.out.printf(Locale.ROOT, "one core's peak in %s: %.1f GFLOP/s (1024^3 product, one thread: kit %.1f, PyTorch 2.x %.1f)%n",
                    dtype, peak.get(dtype), kitPeak, torchPeak);
        }
        List<String> rows = new ArrayList<>();
        rows.add("model,hidden,dtype,threads,kit_tokens_per_s,torch2_tokens_per_s,kit_over_torch2,torch1_tokens_per_s,"
                + "kit_over_torch1,kit_peak_fraction,torch2_peak_fraction,torch1_peak_fraction");
        System.out.printf(Locale.ROOT, "%-5s %6s %8s %7s %11s %11s %7s %11s %7s %6s %6s %6s%n", "model", "hidden", "dtype",
                "threads", "kit tok/s", "torch2", "ratio2", "torch1", "ratio1", "kit%pk", "t2%pk", "t1%pk");
        for (String model : models) {
            for (int H : hidden) {
                for (String dtype : dtypes) {
                    for (int n : threads) {
                        int steps = H >= 512 ? 2 : H >= 256 ? 4 : 10;
                        int warmup = 2 * steps;
                        double[] kit = new double[repeats];
                        double[][] torch = new double[2][repeats];
                        for (int r = 0; r < repeats; r++) {
                            kit[r] = child(kitJava(CharLmBench.class.getName(),
                                    "--kit-only", model, String.valueOf(H), String.valueOf(steps), String.valueOf(warmup), dtype), n, home,
                                    "tokens_per_s ", false);
                            for (int side = 0; side < 2; side++) {
                                torch[side][r] = versions[side] == null ? Double.NaN : child(List.of(pythons[side],
                                        home.resolve("bench/torch_charlm.py").toString(), "--model", model, "--hidden", String.valueOf(H),
                                        "--threads", String.valueOf(n), "--dtype", dtype, "--steps", String.valueOf(steps),
                                        "--warmup", String.valueOf(warmup), "--warmup-seconds", String.valueOf(WARMUP_SECONDS),
                                        "--min-seconds", String.valueOf(MEASURE_SECONDS)), n, home, "tokens_per_s ", side == 1);
                            }
                        }
                        double k = median(kit);
                        double t2 = median(torch[0]);
                        double t1 = median(torch[1]);
                        double flopsPerToken = 6.0 * (gates(model) * H * (E + H) + H * V);
                        double pk = peak.get(dtype) * 1e9;
                        System.out.printf(Locale.ROOT, "%-5s %6d %8s %7d %11.0f %11.0f %7.2f %11.0f %7.2f %6.2f %6.2f %6.2f%n", model, H,
                                dtype, n, k, t2, k / t2, t1, k / t1, k * flopsPerToken / pk, t2 * flopsPerToken / pk, t1 * flopsPerToken / pk);
                        rows.add(String.join(",", model, String.valueOf(H), dtype, String.valueOf(n), number(k, "%.0f"),
                                number(t2, "%.0f"), number(k / t2, "%.3f"), number(t1, "%.0f"), number(k / t1, "%.3f"),
                                number(k * flopsPerToken / pk, "%.3f"), number(t2 * flopsPerToken / pk, "%.3f"),
                                number(t1 * flopsPerToken / pk, "%.3f")));
                    }
                }
            }
        }
        Files.write(csv, rows, StandardCharsets.UTF_8);
        System.out.println("wrote " + csv);
        if (versions[0] == null) {
            System.out.println("PyTorch 2.x was not measured: ./build.sh bench makes a venv for it with pip (bench/venv).");
        }
        if (versions[1] == null) {
            System.out.println("Debian's PyTorch was not found (apt-get install python3-torch adds its column).");
        }
    }

    /** The blocks of a layer: 1 (RNN), 4 (LSTM), 3 (GRU). */
    static int gates(String model) {
        return switch (model) {
            case "rnn" -> 1;
            case "lstm" -> 4;
            case "gru" -> 3;
            default -> throw new IllegalArgumentException("unknown model '" + model + "': rnn, lstm or gru");
        };
    }

    static String number(double v, String format) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, format, v);
    }

    /** The torch version a python has, or null when it has none (or no python was given). */
    static String version(String python, Path home) throws InterruptedException {
        if (python.isEmpty()) {
            return null;
        }
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch; print(torch.__version__)").redirectErrorStream(true)
                    .directory(home.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 && !out.isEmpty() ? out.lines().reduce((a, b) -> b).orElse(out) : null;
        } catch (IOException noPython) {
            return null;
        }
    }

    /** GFLOP/s of the kit's 1024x1024x1024 product in this precision (the best of 5, after 2 of warm-up). */
    static double kitPeak(String dtype) {
        int n = 1024;
        org.ejml.data.DMatrixRMaj a = rnnkit.core.Init.uniform(n, n, 1, 1);       // U(-1, 1), seed 1
        Runnable product;
        if (dtype.equals("float32")) {
            org.ejml.data.FMatrixRMaj af = new org.ejml.data.FMatrixRMaj(n, n);
            org.ejml.data.FMatrixRMaj cf = new org.ejml.data.FMatrixRMaj(n, n);
            for (int i = 0; i < a.data.length; i++) {
                af.data[i] = (float) a.data[i];
            }
            product = () -> rnnkit.f32.core.Gemm.mult(af, af, cf);
        } else {
            org.ejml.data.DMatrixRMaj c = new org.ejml.data.DMatrixRMaj(n, n);
            product = () -> rnnkit.core.Gemm.mult(a, a, c);
        }
        double best = 0;
        for (int r = 0; r < 7; r++) {
            long t0 = System.nanoTime();
            product.run();
            best = r < 2 ? 0 : Math.max(best, 2.0 * n * n * n / (System.nanoTime() - t0));
        }
        return best;
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

    /**
     * The kit's tokens per second, in this JVM: after at least {@code warmup} steps and {@link #WARMUP_SECONDS}
     * (the JIT compiles the hot loops and the heap grows during the first seconds; a training run lasts far longer),
     * the rate over at least {@code steps} steps and {@link #MEASURE_SECONDS}. torch_charlm.py times its side the same way.
     */
    static double kit(String model, int H, int steps, int warmup, Precision precision) {
        LanguageModel lm = LanguageModel.of(Cell.valueOf(model.toUpperCase(Locale.ROOT)), V, E, H, 1, new Rng(1)).precision(precision);
        Optimizer adam = new Optimizer.Adam(lm.parameters(), 2e-3);
        int[][] x = tokens(new Rng(2));
        int[][] y = tokens(new Rng(3));
        long start = System.nanoTime();
        for (int w = 0; w < warmup || System.nanoTime() - start < WARMUP_SECONDS * 1e9; w++) {
            step(lm, adam, x, y);
        }
        long t0 = System.nanoTime();
        int s = 0;
        while (s < steps || System.nanoTime() - t0 < MEASURE_SECONDS * 1e9) {
            step(lm, adam, x, y);
            s++;
        }
        return s * (double) (B * T) / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * One round of one side in its own process with {@code threads} threads for its BLAS (OpenBLAS reads
     * OPENBLAS_NUM_THREADS when it loads, so each thread count needs a fresh process); NaN when torch is missing.
     */
    static double child(List<String> command, int threads, Path home, String prefix, boolean passiveOpenMp)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).directory(home.toFile());
        pb.environment().put("OPENBLAS_NUM_THREADS", String.valueOf(threads));
        pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
        pb.environment().put("MKL_NUM_THREADS", String.valueOf(threads));
        // Debian's PyTorch 1.13 has two thread pools, OpenMP's and its BLAS's (OpenBLAS); with OpenMP's threads
        // spinning while OpenBLAS works, both fight for the cores, and it ran 2-5 times slower with 2 threads than
        // with 1 unless OpenMP's threads sleep. PyTorch 2.x from pip computes with MKL on OpenMP's own threads, which
        // sleeping slows down instead (LSTM, H = 128, 2 threads: 100k against 174k tokens/s): it keeps its default.
        if (passiveOpenMp) {
            pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        }
        // The kit's JVM: OpenBLAS's idle worker waits for the next product by calling sched_yield in a loop for about
        // 0.1 s (2^28 cycles) before it sleeps, and the kit's own second thread (rnnkit.f32.core.PanelHelper) needs
        // that core during the time loop, between OpenBLAS's products: 2^4 cycles makes it sleep at once (float32
        // LSTM, H = 256, two threads: 58-74k tokens/s without, 75-82k with; bench/README.md, item 18).
        if (command.get(0).equals(javaBin())) {
            pb.environment().put("OPENBLAS_THREAD_TIMEOUT", "4");
        }
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
        if (code != 0 || !last.startsWith(prefix)) {
            throw new IOException(String.join(" ", command) + " failed (exit " + code + "): " + last);
        }
        return Double.parseDouble(last.substring(prefix.length()));
    }

    static String javaBin() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /**
     * The command of a child JVM of the kit's side, with the options of the kit's kernel (build.sh): the Vector API,
     * and PerMethodTrapLimit, without which C2 compiled the float32 kernels 5-50 times slower in about half of the
     * JVMs (bench/README.md, "The slow runs"). Not the kernel's parallel collector: with it the float32 LSTM at
     * H = 128 ran at 68-116k tokens/s against 126-157k with the JVM's default, G1 (bench/README.md, item 15).
     */
    static List<String> kitJava(String... mainAndArgs) {
        List<String> command = new ArrayList<>(List.of(javaBin(), "--add-modules", "jdk.incubator.vector",
                "-XX:PerMethodTrapLimit=" + Vectorized.TRAP_LIMIT, "-cp", System.getProperty("java.class.path")));
        command.addAll(List.of(mainAndArgs));
        return command;
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
