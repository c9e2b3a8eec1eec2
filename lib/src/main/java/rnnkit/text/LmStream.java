package rnnkit.text;

/**
 * A long token stream cut for language modelling with truncated backpropagation through time, as char-rnn does:
 * the stream is split into B contiguous parts, one per batch row, and read T steps at a time. Chunk k holds
 * tokens k&middot;T ... k&middot;T + T - 1 of every part and, as targets, the token after each. Row b of chunk
 * k+1 continues exactly where row b of chunk k stopped, so the hidden state can be carried from one chunk to the
 * next (and detached: gradients stop at the chunk boundary).
 */
public final class LmStream {

    private final int[] data;
    private final int batch;
    private final int steps;
    private final int partLength;

    public LmStream(int[] data, int batch, int steps) {
        if (batch <= 0 || steps <= 0) {
            throw new IllegalArgumentException("batch and steps must be positive");
        }
        this.data = data;
        this.batch = batch;
        this.steps = steps;
        this.partLength = (data.length - 1) / batch; // each part needs one more token for its last target
        if (partLength < steps) {
            throw new IllegalArgumentException(data.length + " tokens are too few for " + batch + " rows of " + steps + " steps");
        }
    }

    /** How many whole chunks the stream holds. */
    public int chunks() {
        return partLength / steps;
    }

    public int batch() {
        return batch;
    }

    public int steps() {
        return steps;
    }

    /** Inputs and targets of chunk k, each {@code [T][B]}. */
    public Chunk chunk(int k) {
        if (k < 0 || k >= chunks()) {
            throw new IndexOutOfBoundsException("chunk " + k + " of " + chunks());
        }
        int[][] x = new int[steps][batch];
        int[][] y = new int[steps][batch];
        for (int b = 0; b < batch; b++) {
            int base = b * partLength + k * steps;
            for (int t = 0; t < steps; t++) {
                x[t][b] = data[base + t];
                y[t][b] = data[base + t + 1];
            }
        }
        return new Chunk(x, y);
    }

    /** One chunk: {@code inputs[t][b]} and the next tokens {@code targets[t][b]}. */
    public record Chunk(int[][] inputs, int[][] targets) {
    }
}
