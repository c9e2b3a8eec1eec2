package rnnkit.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Gemm;
import rnnkit.core.Init;
import rnnkit.core.Rng;

/**
 * The matrix-product part of {@code ./build.sh bench}: the library's products ({@link Gemm}) at the shapes of an LSTM
 * character model's training step (B = 32, T = 64, E = 64, V = 65), in GFLOP/s on one thread, against numpy's
 * float64 matmul (OpenBLAS) at the same M&times;K&times;N ({@code bench/numpy_gemm.py}). Writes
 * {@code bench/gemm_results.csv}.
 */
final class GemmBench {

    private GemmBench() {
    }

    /** One product of the step: what it computes, op(A) M&times;K times op(B) K&times;N, and which transposes. */
    private record Shape(String what, int m, int k, int n, boolean transA, boolean transB) {
    }

    private static List<Shape> shapes() {
        List<Shape> s = new ArrayList<>();
        for (int H : new int[]{128, 256, 512}) {
            s.add(new Shape("x W_x, all steps (H=" + H + ")", 32 * 64, 64, 4 * H, false, false));
            s.add(new Shape("h W_h, one step (H=" + H + ")", 32, H, 4 * H, false, false));
            s.add(new Shape("dW_h += h^T da (H=" + H + ")", H, 32, 4 * H, true, false));
            s.add(new Shape("dh = da W_h^T (H=" + H + ")", 32, 4 * H, H, false, true));
            s.add(new Shape("h W_hy, all steps (H=" + H + ")", 32 * 64, H, 65, false, false));
        }
        return s;
    }

    static void run(Path home, String python) throws IOException, InterruptedException {
        List<Shape> shapes = shapes();
        Map<String, Double> numpy = numpy(home, python, shapes);
        System.out.println("matrix products (float64, one thread): the kit (" + Gemm.implementation() + ") against numpy (OpenBLAS)");
        System.out.printf(Locale.ROOT, "%-34s %16s %10s %12s %9s%n", "product", "M x K x N", "kit GF/s", "numpy GF/s", "fraction");
        List<String> rows = new ArrayList<>(List.of("product,m,k,n,kit_gflops,numpy_gflops,fraction"));
        for (Shape s : shapes) {
            double kit = kit(s);
            Double np = numpy.get(s.m() + " " + s.k() + " " + s.n());
            String frac = np == null ? "" : String.format(Locale.ROOT, "%.2f", kit / np);
            System.out.printf(Locale.ROOT, "%-34s %16s %10.1f %12s %9s%n", s.what(), s.m() + "x" + s.k() + "x" + s.n(), kit,
                    np == null ? "-" : String.format(Locale.ROOT, "%.1f", np), frac);
            rows.add(String.format(Locale.ROOT, "\"%s\",%d,%d,%d,%.2f,%s,%s", s.what(), s.m(), s.k(), s.n(), kit,
                    np == null ? "" : String.format(Locale.ROOT, "%.2f", np), frac));
        }
        Files.write(home.resolve("bench/gemm_results.csv"), rows, StandardCharsets.UTF_8);
        System.out.println("wrote " + home.resolve("bench/gemm_results.csv"));
        System.out.println();
    }

    /** The kit's GFLOP/s: the median of 5 timings of repeated products, after warm-up. */
    private static double kit(Shape s) {
        DMatrixRMaj a = s.transA() ? Init.uniform(s.k(), s.m(), 1, 1) : Init.uniform(s.m(), s.k(), 1, 1);
        DMatrixRMaj b = s.transB() ? Init.uniform(s.n(), s.k(), 1, 2) : Init.uniform(s.k(), s.n(), 1, 2);
        DMatrixRMaj c = new DMatrixRMaj(s.m(), s.n());
        double flops = 2.0 * s.m() * s.k() * s.n();
        int reps = (int) Math.max(5, 2e9 / flops);
        double[] rates = new double[5];
        for (int w = 0; w < 3; w++) {
            product(s, a, b, c);
        }
        for (int r = 0; r < rates.length; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                product(s, a, b, c);
            }
            rates[r] = flops * reps / ((System.nanoTime() - t0) / 1e9) / 1e9;
        }
        return CharLmBench.median(rates);
    }

    private static void product(Shape s, DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        if (s.transA()) {
            Gemm.multAddTransA(a, b, c);
        } else if (s.transB()) {
            Gemm.multTransB(a, b, c);
        } else {
            Gemm.mult(a, b, c);
        }
    }

    /** numpy's GFLOP/s per "M K N" (one OpenBLAS thread); empty when numpy is missing. */
    private static Map<String, Double> numpy(Path home, String python, List<Shape> shapes) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(python, home.resolve("bench/numpy_gemm.py").toString()).redirectErrorStream(true);
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        Process p = pb.start();
        try (Writer w = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
            for (Shape s : shapes) {
                w.write(s.m() + " " + s.k() + " " + s.n() + "\n");
            }
        }
        Map<String, Double> out = new HashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.trim().split(" ");
                if (f.length == 4 && Arrays.stream(f).allMatch(x -> x.matches("[0-9.]+"))) {
                    out.put(f[0] + " " + f[1] + " " + f[2], Double.parseDouble(f[3]));
                } else if (line.startsWith("numpy_missing")) {
                    System.out.println(line);
                }
            }
        }
        p.waitFor();
        return out;
    }
}
