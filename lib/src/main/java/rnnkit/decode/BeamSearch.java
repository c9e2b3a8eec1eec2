package rnnkit.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Beam search: keep the K best partial outputs ranked by their summed log-probability, extend each by every
 * token, keep the K best extensions, and set aside those that end in {@code eos}. Finished outputs are ranked
 * by {@code log P(y) / |y|^α} (|y| counting {@code eos}): α = 0 is the raw sum, which favours short outputs;
 * α = 1 the per-token average. K = 1 is greedy decoding.
 */
public final class BeamSearch {

    private BeamSearch() {
    }

    /** A (partial) output: its tokens (without start and eos), log-probability, and whether it ended with eos. */
    public record Hypothesis(int[] tokens, double logProb, boolean finished, double score) {
        @Override
        public String toString() {
            return Arrays.toString(tokens) + String.format(java.util.Locale.ROOT, " logP=%.4f score=%.4f", logProb, score)
                    + (finished ? "" : " (unfinished)");
        }
    }

    /** The n-best list (best first, at most K) and, for each step, the beam that step kept. */
    public record Result(List<Hypothesis> nBest, List<List<Hypothesis>> beams) {
        public Hypothesis best() {
            return nBest.get(0);
        }
    }

    /** Searches from one state (B = 1 row) after feeding {@code start}. */
    public static <S> Result search(StepModel<S> model, S state, int start, int eos, int beamWidth, int maxLength, double alpha) {
        if (beamWidth < 1) {
            throw new IllegalArgumentException("beam width must be at least 1, got " + beamWidth);
        }
        List<int[]> prefixes = new ArrayList<>(List.of(new int[0]));
        double[] logP = {0};
        int[] last = {start};
        List<Hypothesis> finished = new ArrayList<>();
        List<List<Hypothesis>> trace = new ArrayList<>();
        for (int step = 0; step < maxLength && !prefixes.isEmpty(); step++) {
            StepModel.Step<S> out = model.next(state, last);
            int V = out.logProbs().numCols;
            List<long[]> candidates = new ArrayList<>(); // {beam, token} ordered by total log-prob
            List<Double> totals = new ArrayList<>();
            for (int k = 0; k < prefixes.size(); k++) {
                for (int v = 0; v < V; v++) {
                    candidates.add(new long[]{k, v});
                    totals.add(logP[k] + out.logProbs().get(k, v));
                }
            }
            Integer[] order = new Integer[candidates.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            // best total first; on ties the earlier beam and the smaller token, as greedy's argmax does
            Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -totals.get(i)).thenComparingInt(i -> i));
            List<int[]> nextPrefixes = new ArrayList<>();
            List<Double> nextLogP = new ArrayList<>();
            List<Integer> nextRows = new ArrayList<>();
            List<Integer> nextLast = new ArrayList<>();
            List<Hypothesis> kept = new ArrayList<>();
            for (int i = 0; i < order.length && nextPrefixes.size() + kept.stream().filter(Hypothesis::finished).count() < beamWidth; i++) {
                int k = (int) candidates.get(order[i])[0];
                int v = (int) candidates.get(order[i])[1];
                double total = totals.get(order[i]);
                if (v == eos) {
                    Hypothesis h = hypothesis(prefixes.get(k), total, true, alpha);
                    finished.add(h);
                    kept.add(h);
                } else {
                    int[] p = Arrays.copyOf(prefixes.get(k), prefixes.get(k).length + 1);
                    p[p.length - 1] = v;
                    nextPrefixes.add(p);
                    nextLogP.add(total);
                    nextRows.add(k);
                    nextLast.add(v);
                    kept.add(hypothesis(p, total, false, alpha));
                }
            }
            trace.add(kept);
            if (nextPrefixes.isEmpty()) {
                break;
            }
            state = model.select(out.state(), nextRows.stream().mapToInt(Integer::intValue).toArray());
            prefixes = nextPrefixes;
            logP = nextLogP.stream().mapToDouble(Double::doubleValue).toArray();
            last = nextLast.stream().mapToInt(Integer::intValue).toArray();
            if (finished.size() >= beamWidth) {
                break;
            }
        }
        List<Hypothesis> all = new ArrayList<>(finished);
        if (finished.size() < beamWidth) { // out of steps: the live beams count too, marked unfinished
            for (int k = 0; k < prefixes.size(); k++) {
                if (prefixes.get(k).length > 0) {
                    all.add(hypothesis(prefixes.get(k), logP[k], false, alpha));
                }
            }
        }
        all.sort(Comparator.comparingDouble((Hypothesis h) -> -h.score()));
        return new Result(all.subList(0, Math.min(beamWidth, all.size())), trace);
    }

    private static Hypothesis hypothesis(int[] tokens, double logProb, boolean finished, double alpha) {
        int length = tokens.length + (finished ? 1 : 0);
        return new Hypothesis(tokens, logProb, finished, logProb / Math.pow(Math.max(1, length), alpha));
    }
}
