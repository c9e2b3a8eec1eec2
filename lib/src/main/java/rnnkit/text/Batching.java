package rnnkit.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import rnnkit.core.Rng;

/**
 * Mini-batches by the lecture's Algorithm 1: sort the examples by length (or shuffle them), fill batches in that
 * order, pad each to its longest sequence, then shuffle the order of the batches. Sorting puts sequences of
 * similar length together and so wastes far less computation on padding, while the final shuffle keeps
 * training from seeing the lengths in order.
 */
public final class Batching {

    /** How examples are ordered before they are cut into batches. */
    public enum Strategy {
        /** Random order: simple, but batches mix short and long sequences. */
        SHUFFLE,
        /** By source length. */
        BY_SOURCE,
        /** By target length. */
        BY_TARGET,
        /** By source length, ties by target length. */
        BY_SOURCE_THEN_TARGET,
        /** By target length, ties by source length. */
        BY_TARGET_THEN_SOURCE
    }

    private Batching() {
    }

    /**
     * The example indices of each batch. {@code targetLengths} may be null when there are no targets (then
     * only SHUFFLE and BY_SOURCE make sense). Ties are broken at random, so equal-length examples still mix.
     */
    public static List<int[]> batches(int[] sourceLengths, int[] targetLengths, int batchSize, Strategy strategy, Rng rng) {
        int n = sourceLengths.length;
        if (targetLengths == null && strategy != Strategy.SHUFFLE && strategy != Strategy.BY_SOURCE) {
            throw new IllegalArgumentException(strategy + " needs target lengths");
        }
        Integer[] order = Arrays.stream(rng.permutation(n)).boxed().toArray(Integer[]::new);
        Comparator<Integer> bySource = Comparator.comparingInt(i -> sourceLengths[i]);
        Comparator<Integer> byTarget = Comparator.comparingInt(i -> targetLengths[i]);
        Comparator<Integer> sortBy = switch (strategy) {               // exhaustive: every strategy is decided here
            case SHUFFLE -> null;
            case BY_SOURCE -> bySource;
            case BY_TARGET -> byTarget;
            case BY_SOURCE_THEN_TARGET -> bySource.thenComparing(byTarget);
            case BY_TARGET_THEN_SOURCE -> byTarget.thenComparing(bySource);
        };
        if (sortBy != null) {
            Arrays.sort(order, sortBy); // stable: ties stay in their random order
        }
        List<int[]> batches = new ArrayList<>();
        for (int start = 0; start < n; start += batchSize) {
            int[] batch = new int[Math.min(batchSize, n - start)];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = order[start + i];
            }
            batches.add(batch);
        }
        int[] shuffled = rng.permutation(batches.size());
        List<int[]> out = new ArrayList<>();
        for (int i : shuffled) {
            out.add(batches.get(i));
        }
        return out;
    }

    /** The share of padding when every batch is padded to its own longest sequence. */
    public static double paddingFraction(List<int[]> batches, int[] lengths) {
        long real = 0;
        long total = 0;
        for (int[] batch : batches) {
            int longest = 0;
            for (int i : batch) {
                longest = Math.max(longest, lengths[i]);
                real += lengths[i];
            }
            total += (long) longest * batch.length;
        }
        return total == 0 ? 0 : 1 - real / (double) total;
    }
}
