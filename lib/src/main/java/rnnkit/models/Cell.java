package rnnkit.models;

import rnnkit.core.Rng;
import rnnkit.layers.Gru;
import rnnkit.layers.Lstm;
import rnnkit.layers.Recurrent;
import rnnkit.layers.Rnn;

/** Which recurrent cell a model uses. */
public enum Cell {
    RNN, LSTM, GRU;

    /** A new layer of this kind, PyTorch-initialized. */
    public Recurrent layer(int inputSize, int hiddenSize, Rng rng) {
        switch (this) {
            case RNN:
                return new Rnn(inputSize, hiddenSize, rng);
            case LSTM:
                return new Lstm(inputSize, hiddenSize, rng);
            default:
                return new Gru(inputSize, hiddenSize, rng);
        }
    }
}
