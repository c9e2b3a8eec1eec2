/**
 * The companion library of the RNN course kit: every building block the notebooks use, each a readable
 * forward/backward pair, gradient-checked and matched against PyTorch.
 *
 * <h2>Conventions (fixed here once; every class follows them)</h2>
 * <ul>
 *   <li><b>Numbers</b> are {@code double}s; matrices are EJML {@link org.ejml.data.DMatrixRMaj} (row-major).</li>
 *   <li><b>Batch-major rows.</b> A minibatch of B vectors of size D is a B&times;D matrix, one example per row.
 *   Layers therefore compute with row vectors, e.g. {@code h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h)}: the
 *   lecture's {@code h_t = tanh(W_hh h_{t-1} + W_xh x_t + b_h)} transposed. So {@code Wxh} is stored D&times;H,
 *   {@code Whh} H&times;H, {@code bh} 1&times;H, as in CS231n's {@code rnn_layers.py}; PyTorch's weights are the
 *   transposes of ours.</li>
 *   <li><b>Where time goes.</b> A batch of sequences is a {@link rnnkit.core.Sequence}: T matrices of B&times;D, one
 *   per time step, {@code x.at(t)}. Token ids are {@code int[T][B]}, {@code ids[t][b]}: time first, like the
 *   sequence.</li>
 *   <li><b>Masks</b> are T&times;B matrices of 1 (a real token) and 0 (padding): {@code mask.get(t, b)}.</li>
 *   <li><b>Gate order</b> in stacked gate weights, each block H columns wide: LSTM {@code i, f, g, o}; GRU
 *   {@code r, z, n} (both PyTorch's order).</li>
 *   <li><b>Randomness</b> always comes from an explicit {@link rnnkit.core.Rng} made from a seed: the same seed
 *   gives the same numbers, on every machine.</li>
 *   <li><b>Hot loops allocate nothing</b>: layers keep their caches and workspaces between calls and, like EJML's
 *   operations, write results into matrices passed to them. A layer's cache holds its last forward pass, which
 *   the next backward pass uses.</li>
 * </ul>
 */
package rnnkit;
