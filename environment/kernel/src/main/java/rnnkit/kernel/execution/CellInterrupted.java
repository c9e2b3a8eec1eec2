package rnnkit.kernel.execution;

/**
 * Thrown inside a running cell when the user interrupts it. An {@link Error}, so that the usual
 * {@code catch (Exception e)} in notebook code does not swallow it.
 */
public final class CellInterrupted extends Error {

    CellInterrupted() {
        super("the cell was interrupted", null, false, false);
    }
}
