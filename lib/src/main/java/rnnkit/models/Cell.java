package rnnkit.models;

import rnnkit.core.Rng;
import rnnkit.layers.Gru;
import rnnkit.layers.Lstm;
import rnnkit.layers.Recurrent;
import rnnkit.layers.Rnn;

/** Which recurrent cell a model uses. */
public enum Cell {
    RNN, LSTM, GRU;

    /** A new layer of this kind, PyTorch-initialized. (Exhaustive: a new kind fails to compile until it is here.) */
    public Recurrent layer(int inputSize, int hiddenSize, Rng rng) {
        return switch (this) {
            case RNN -> new Rnn(inputSize, hiddenSize, rng);
            case LSTM -> new Lstm(inputSize, hiddenSize, rng);
            case GRU -> new Gru(inputSize, hiddenSize, rng);
        };
    }
}
