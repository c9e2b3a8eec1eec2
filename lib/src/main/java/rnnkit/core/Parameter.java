package rnnkit.core;

import org.ejml.data.DMatrixRMaj;

/**
 * A trainable matrix and the gradient of the loss with respect to it, accumulated by backward passes
 * ({@code +=}) until {@link #zeroGrad()}.
 */
public final class Parameter {

    private final String name;
    public final DMatrixRMaj value;
    public final DMatrixRMaj grad;

    public Parameter(String name, DMatrixRMaj value) {
        this.name = name;
        this.value = value;
        this.grad = new DMatrixRMaj(value.numRows, value.numCols);
    }

    /** A second name for the same matrices, as composite modules give their parts' parameters. */
    Parameter(String name, DMatrixRMaj value, DMatrixRMaj grad) {
        this.name = name;
        this.value = value;
        this.grad = grad;
    }

    public Parameter(String name, int rows, int cols) {
        this(name, new DMatrixRMaj(rows, cols));
    }

    public String name() {
        return name;
    }

    public void zeroGrad() {
        grad.zero();
    }

    public int size() {
        return value.getNumElements();
    }

    /** "Wxh 16×32", for messages and tables. */
    public String describe() {
        return name + " " + value.numRows + "\u00d7" + value.numCols;
    }

    @Override
    public String toString() {
        return "Parameter " + describe();
    }
}
