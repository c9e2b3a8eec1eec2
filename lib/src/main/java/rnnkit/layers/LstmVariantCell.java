package rnnkit.layers;

import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Activation;

/**
 * The cell of every LSTM variant except {@link Lstm.Variant#STANDARD} (which has a branch-free loop of its own in
 * {@link Lstm}, the path that is benchmarked): Greff et al.'s vanilla LSTM "V" (peepholes and a forget gate) and
 * each of their single changes to it, one step forward and one step back for a batch.
 *
 * <p>Each change is one line of {@link #forward} and its mirror in {@link #backward}, marked with the variant's
 * name (NIG, NFG, NOG, NIAF, NOAF, CIFG). The gates that are not learnt are constants: no input gate is i = 1, no
 * forget gate f = 1, no output gate o = 1, and the coupled gate is i = 1 - f. FGR's extra recurrent term, a matrix
 * product, is added to the pre-activations by {@link Lstm} before {@link #forward} runs, and its gradient enters
 * {@link #backward} as {@code dq}.
 *
 * <p>Shapes: B rows, H units; {@code a} and the gate cache are B&times;GH with the variant's learnt blocks in the
 * order of {@link Lstm.Variant#blocks()} (a subsequence of i, f, g, o).
 */
final class LstmVariantCell {

    private final int H;
    private final int G;
    /** Column offsets of the learnt blocks in a row of {@code a}, -1 for a gate that is not learnt. */
    private final int iAt;
    private final int fAt;
    private final int gAt;
    private final int oAt;
    private final boolean coupled;
    private final boolean linearInput;
    private final boolean linearOutput;
    /** Diagonal peephole weights (1&times;H) and their gradients, null where the variant has none. */
    private final DMatrixRMaj wci;
    private final DMatrixRMaj wcf;
    private final DMatrixRMaj wco;
    private final DMatrixRMaj dwci;
    private final DMatrixRMaj dwcf;
    private final DMatrixRMaj dwco;

    LstmVariantCell(Lstm.Variant v, int hidden, DMatrixRMaj[] peepholes, DMatrixRMaj[] peepholeGrads) {
        H = hidden;
        String blocks = v.blocks();
        G = blocks.length();
        iAt = offset(blocks, 'i');
        fAt = offset(blocks, 'f');
        gAt = offset(blocks, 'g');
        oAt = offset(blocks, 'o');
        coupled = v == Lstm.Variant.COUPLED || v == Lstm.Variant.CIFG;
        linearInput = v == Lstm.Variant.NIAF;
        linearOutput = v == Lstm.Variant.NOAF;
        wci = peepholes[0];
        wcf = peepholes[1];
        wco = peepholes[2];
        dwci = peepholeGrads[0];
        dwcf = peepholeGrads[1];
        dwco = peepholeGrads[2];
    }

    private int offset(String blocks, char gate) {
        int k = blocks.indexOf(gate);
        return k < 0 ? -1 : k * H;
    }

    private static double peep(DMatrixRMaj w, int j) {
        return w == null ? 0 : w.data[j];
    }

    /**
     * One step forward.
     *
     * @param a     every pre-activation, x_t W_x + b + h_{t-1} W_h and FGR's term (B&times;GH). Modified: on exit
     *              the activated learnt gates, which {@link #backward} needs.
     * @param cPrev c_{t-1} (B&times;H). Not modified.
     * @param c     where c_t is written. Modified.
     * @param s     where the cell's output activation is written: tanh(c_t), or c_t itself for NOAF. Modified.
     * @param h     where h_t is written. Modified.
     */
    void forward(DMatrixRMaj a, DMatrixRMaj cPrev, DMatrixRMaj c, DMatrixRMaj s, DMatrixRMaj h) {
        for (int r = 0; r < h.numRows; r++) {
            int row = r * G * H;
            for (int j = 0; j < H; j++) {
                int k = r * H + j;
                double cp = cPrev.data[k];
                // i and f look at the old cell through their peepholes: σ(a + w_c ⊙ c_{t-1})
                double f = fAt < 0 ? 1                                            // NFG: f = 1 (the 1997 cell)
                        : Activation.sigmoid(a.data[row + fAt + j] + peep(wcf, j) * cp);
                double i = coupled ? 1 - f                                        // CIFG: i = 1 - f
                        : iAt < 0 ? 1                                             // NIG: i = 1
                        : Activation.sigmoid(a.data[row + iAt + j] + peep(wci, j) * cp);
                double g = linearInput ? a.data[row + gAt + j]                   // NIAF: g = a_g
                        : Activation.tanh(a.data[row + gAt + j]);
                double ct = f * cp + i * g;                                       // c_t = f ⊙ c_{t-1} + i ⊙ g
                double o = oAt < 0 ? 1                                            // NOG: o = 1
                        : Activation.sigmoid(a.data[row + oAt + j] + peep(wco, j) * ct);   // o looks at c_t
                double st = linearOutput ? ct : Activation.tanh(ct);              // NOAF: h = o ⊙ c_t
                c.data[k] = ct;
                s.data[k] = st;
                h.data[k] = o * st;                                               // h_t = o ⊙ tanh(c_t)
                if (iAt >= 0) {
                    a.data[row + iAt + j] = i;
                }
                if (fAt >= 0) {
                    a.data[row + fAt + j] = f;
                }
                a.data[row + gAt + j] = g;
                if (oAt >= 0) {
                    a.data[row + oAt + j] = o;
                }
            }
        }
    }

    /**
     * One step back, mirroring {@link #forward} line by line. Peephole gradients are accumulated.
     *
     * @param dh     dL/dh_t, everything reaching h_t (B&times;H). Not modified.
     * @param dc     dL/dc_t from the future (B&times;H). Not modified (unless it is {@code dcPrev}).
     * @param dq     FGR only, else null: the gradient the next step sends to this step's activated gates i, f, o
     *               (B&times;3H). Not modified.
     * @param gates  the activated gates that {@link #forward} left in its {@code a}. Not modified.
     * @param cPrev  c_{t-1}. Not modified.
     * @param c      c_t. Not modified.
     * @param s      tanh(c_t), or c_t for NOAF. Not modified.
     * @param da     where the gradient on the pre-activations is written (B&times;GH). Modified.
     * @param dcPrev where dL/dc_{t-1} is written (may be {@code dc}). Modified.
     */
    void backward(DMatrixRMaj dh, DMatrixRMaj dc, DMatrixRMaj dq, DMatrixRMaj gates, DMatrixRMaj cPrev,
                  DMatrixRMaj c, DMatrixRMaj s, DMatrixRMaj da, DMatrixRMaj dcPrev) {
        for (int r = 0; r < dh.numRows; r++) {
            int row = r * G * H;
            int q = r * 3 * H;
            for (int j = 0; j < H; j++) {
                int k = r * H + j;
                double cp = cPrev.data[k];
                double st = s.data[k];
                double f = fAt < 0 ? 1 : gates.data[row + fAt + j];
                double i = coupled ? 1 - f : iAt < 0 ? 1 : gates.data[row + iAt + j];
                double g = gates.data[row + gAt + j];
                double o = oAt < 0 ? 1 : gates.data[row + oAt + j];
                // h = o ⊙ s
                double dO = dh.data[k] * st + (dq == null ? 0 : dq.data[q + 2 * H + j]);
                double daO = oAt < 0 ? 0 : dO * o * (1 - o);
                // δc: from the future, through s (tanh' or 1 for NOAF), and through o's peephole on c_t
                double dct = dc.data[k] + dh.data[k] * o * (linearOutput ? 1 : 1 - st * st) + daO * peep(wco, j);
                // c = f ⊙ c_{t-1} + i ⊙ g
                double dI = dct * g + (dq == null ? 0 : dq.data[q + j]);
                double dF = dct * cp + (dq == null ? 0 : dq.data[q + H + j]);
                if (coupled) {
                    dF -= dI;                                                     // CIFG: i = 1 - f
                }
                double daI = iAt < 0 ? 0 : dI * i * (1 - i);
                double daF = fAt < 0 ? 0 : dF * f * (1 - f);
                double daG = dct * i * (linearInput ? 1 : 1 - g * g);            // NIAF: g' = 1
                if (iAt >= 0) {
                    da.data[row + iAt + j] = daI;
                }
                if (fAt >= 0) {
                    da.data[row + fAt + j] = daF;
                }
                da.data[row + gAt + j] = daG;
                if (oAt >= 0) {
                    da.data[row + oAt + j] = daO;
                }
                // δc_{t-1} = δc ⊙ f, plus what the peepholes of i and f send back
                dcPrev.data[k] = dct * f + daI * peep(wci, j) + daF * peep(wcf, j);
                if (wci != null) {
                    dwci.data[j] += daI * cp;
                }
                if (wcf != null) {
                    dwcf.data[j] += daF * cp;
                }
                if (wco != null) {
                    dwco.data[j] += daO * c.data[k];
                }
            }
        }
    }
}
