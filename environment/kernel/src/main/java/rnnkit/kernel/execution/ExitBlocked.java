package rnnkit.kernel.execution;

/**
 * Thrown where notebook code called {@code System.exit}, {@code Runtime.exit} or {@code Runtime.halt}: ending the
 * kernel's JVM would silently lose the whole session, so the call fails instead, as an error in its cell.
 */
public final class ExitBlocked extends Error {

    ExitBlocked(String call, int status) {
        super(call + "(" + status + ") was called, but a notebook kernel must keep running: the call was stopped"
                + " here instead. To end a cell early, use return or throw an exception.");
    }
}
