package rnnkit.ui;

import java.util.Locale;
import org.ejml.data.DMatrixRMaj;

/**
 * The checks behind the notebooks' check cells and the hidden tests: each passes quietly or prints "✓ what",
 * and on failure throws an {@link AssertionError} that says which property failed (the shape, the first wrong
 * entry and by how much), with a hint at the usual mistake, without dumping whole arrays.
 */
public final class Check {

    private static volatile boolean verbose = true;

    private Check() {
    }

    /** Whether passing checks print a line (notebooks: yes; hidden tests switch it off). */
    public static void verbose(boolean on) {
        verbose = on;
    }

    /** Passes if {@code ok}; otherwise fails with {@code what} and the hint. */
    public static void that(String what, boolean ok, String hint) {
        if (!ok) {
            fail(what, "not so", hint);
        }
        pass(what);
    }

    /** The matrix is rows&times;cols. */
    public static void shape(String what, DMatrixRMaj actual, int rows, int cols) {
        if (actual == null) {
            fail(what, "the result is null", null);
        }
        if (actual.numRows != rows || actual.numCols != cols) {
            fail(what, "shape is " + actual.numRows + "\u00d7" + actual.numCols + ", expected " + rows + "\u00d7" + cols, null);
        }
        pass(what + " has shape " + rows + "\u00d7" + cols);
    }

    public static void close(String what, DMatrixRMaj expected, DMatrixRMaj actual, double tolerance) {
        close(what, expected, actual, tolerance, null);
    }

    /** Same shape, and every entry within {@code tolerance} of the expected one. */
    public static void close(String what, DMatrixRMaj expected, DMatrixRMaj actual, double tolerance, String hint) {
        if (actual == null) {
            fail(what, "the result is null", hint);
        }
        if (actual.numRows != expected.numRows || actual.numCols != expected.numCols) {
            fail(what, "shape is " + actual.numRows + "\u00d7" + actual.numCols + ", expected " + expected.numRows
                    + "\u00d7" + expected.numCols, hint);
        }
        for (int i = 0; i < expected.getNumElements(); i++) {
            if (!within(expected.data[i], actual.data[i], tolerance)) {
                fail(what, String.format(Locale.ROOT, "entry (%d, %d) is %.6g, expected %.6g (difference %.1e, tolerance %.0e)",
                        i / expected.numCols, i % expected.numCols, actual.data[i], expected.data[i],
                        Math.abs(actual.data[i] - expected.data[i]), tolerance), hint);
            }
        }
        pass(what);
    }

    public static void close(String what, double[] expected, double[] actual, double tolerance) {
        close(what, expected, actual, tolerance, null);
    }

    /** Same length, and every entry within {@code tolerance} of the expected one. */
    public static void close(String what, double[] expected, double[] actual, double tolerance, String hint) {
        if (actual == null) {
            fail(what, "the result is null", hint);
        }
        if (actual.length != expected.length) {
            fail(what, "length is " + actual.length + ", expected " + expected.length, hint);
        }
        for (int i = 0; i < expected.length; i++) {
            if (!within(expected[i], actual[i], tolerance)) {
                fail(what, String.format(Locale.ROOT, "entry %d is %.6g, expected %.6g (difference %.1e, tolerance %.0e)",
                        i, actual[i], expected[i], Math.abs(actual[i] - expected[i]), tolerance), hint);
            }
        }
        pass(what);
    }

    /** One number within {@code tolerance}. */
    public static void close(String what, double expected, double actual, double tolerance, String hint) {
        if (!within(expected, actual, tolerance)) {
            fail(what, String.format(Locale.ROOT, "is %.6g, expected %.6g (difference %.1e, tolerance %.0e)", actual,
                    expected, Math.abs(actual - expected), tolerance), hint);
        }
        pass(what);
    }

    private static boolean within(double expected, double actual, double tolerance) {
        return Math.abs(expected - actual) <= tolerance || expected == actual; // NaN fails, equal infinities pass
    }

    private static void pass(String what) {
        if (verbose) {
            System.out.println("\u2713 " + what);
        }
    }

    private static void fail(String what, String detail, String hint) {
        throw new AssertionError("\u2717 " + what + ": " + detail + (hint == null || hint.isBlank() ? "" : ". Hint: " + hint));
    }
}
