package rnnkit.f32.core;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A second thread for the float32 twin's per-step products ({@link VectorGemm}), where the kit may use two cores.
 * The caller and this thread take W's panels of 64 columns in turn, each panel whole, so every entry of the product
 * is still one chain of fused multiply-adds computed by one thread: the results are the same bits with and without
 * it. OpenBLAS's threads do not help here: the per-step products are the kernel's own, and their 32 rows are too few
 * for a BLAS to split (bench/README.md, item 18).
 *
 * <p>Between products the thread spins for up to a millisecond (a time step's cell takes tens of microseconds, and a
 * wake-up from sleep about as long as a product), then sleeps until the next one. Used when the kit may use two
 * threads: the system property {@code rnnkit.threads}, else {@code OPENBLAS_NUM_THREADS}, else
 * {@code OMP_NUM_THREADS}, else the number of cores (the kit's kernel and grader set {@code OPENBLAS_NUM_THREADS=1}:
 * one thread there). Written by hand, like the rest of rnnkit.f32.core's kernels.
 */
final class PanelHelper implements Runnable {

    /** The threads the kit may use for one product, from the settings above (at most the cores). */
    static final int THREADS = threads();
    /** The helper, or null with one thread. */
    static final PanelHelper INSTANCE = THREADS >= 2 ? new PanelHelper() : null;
    /** Products of fewer multiply-adds (M K N) stay on the caller's thread: handing them over would cost more. */
    static final long MIN_WORK = 1 << 20;
    private static final long SPIN_NANOS = 1_000_000;

    /** The job number (high 32 bits) and its next unclaimed panel (low 32 bits). */
    private final AtomicLong state = new AtomicLong();
    /** Panels of the current job computed, by either thread. */
    private final AtomicInteger done = new AtomicInteger();
    private volatile boolean sleeping;
    private volatile Throwable failure;
    private final float[] tile = new float[VectorGemm.MR * VectorGemm.NR];
    private final Thread thread;
    /** The current product, written by the caller before it publishes the job's number in {@link #state}. */
    private Product product;

    /** One product C = A W (or +=) over W's P panels: {@link VectorGemm#panel}'s arguments. */
    private record Product(float[] a, int M, int K, float[] panels, int N, float[] c, boolean add, int P) {
    }

    /** A helper thread of its own (a daemon); the layers share {@link #INSTANCE}. */
    PanelHelper() {
        thread = new Thread(this, "rnnkit-panels");
        thread.setDaemon(true);
        thread.start();
    }

    static int threads() {
        String s = System.getProperty("rnnkit.threads");
        for (String name : new String[]{"OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"}) {
            s = s != null ? s : System.getenv(name);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        try {
            return s == null ? cores : Math.max(1, Math.min(cores, Integer.parseInt(s.trim())));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** C = A W (or +=) over W's P panels, this thread and the caller's sharing them. */
    void mult(float[] a, int M, int K, float[] panels, int N, float[] c, boolean add, float[] callerTile, int P) {
        product = new Product(a, M, K, panels, N, c, add, P);
        done.set(0);
        long job = (state.get() >>> 32) + 1;
        state.set(job << 32);                                   // publishes the product, panels from 0
        if (sleeping) {
            LockSupport.unpark(thread);
        }
        claim(job, callerTile);
        while (done.get() < P) {
            Thread.onSpinWait();
        }
        Throwable f = failure;
        if (f != null) {
            failure = null;
            throw new IllegalStateException("the product's second thread failed", f);
        }
    }

    /** Computes unclaimed panels of the job until none is left (or a newer job began). */
    private void claim(long job, float[] tile) {
        Product q = product;
        for (long s = state.get(); s >>> 32 == job && (int) s < q.P; s = state.get()) {
            if (state.compareAndSet(s, s + 1)) {
                try {
                    VectorGemm.panel((int) s, q.a, q.M, q.K, q.panels, q.N, q.c, q.add, tile);
                } catch (Throwable e) {
                    failure = e;
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    @Override
    public void run() {
        long seen = 0;
        while (true) {
            long since = System.nanoTime();
            long s;
            while ((s = state.get()) >>> 32 == seen) {
                if (System.nanoTime() - since < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                sleeping = true;
                if (state.get() >>> 32 == seen) {
                    LockSupport.park(this);
                }
                sleeping = false;
                since = System.nanoTime();
            }
            seen = s >>> 32;
            claim(seen, tile);
        }
    }
}
