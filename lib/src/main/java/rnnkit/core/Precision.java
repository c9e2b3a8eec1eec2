package rnnkit.core;

/**
 * The arithmetic a model trains in. FLOAT64 (double) is the library's default and what every gradient check, step
 * exercise and PyTorch parity test uses; FLOAT32 runs a training run's forward and backward passes through the
 * generated float32 twin of the layers ({@code rnnkit.f32}), about twice as fast, with the parameters kept in
 * float64 (see {@code LanguageModel#precision}).
 */
public enum Precision {
    FLOAT64, FLOAT32
}
