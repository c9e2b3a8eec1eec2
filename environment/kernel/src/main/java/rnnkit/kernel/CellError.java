package rnnkit.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import jdk.jshell.EvalException;

/**
 * A cell that failed, as Jupyter shows it: {@code ename}, {@code evalue} and traceback lines. Every error names
 * where it happened (cell and line) and is worded for a student, not for the kernel's developers.
 */
final class CellError extends Exception {

    private static final String RED = "\u001b[0;31m";
    private static final String BOLD = "\u001b[1m";
    private static final String RESET = "\u001b[0m";
    private static final int MAX_FRAMES = 40;

    /** One compile problem: a message about {@code [start, end)} of a cell. */
    record Problem(int start, int end, String message) {
    }

    /** Where a frame of cell code came from: a cell and the line that snippet starts on. */
    record Origin(String cell, int firstLine) {
    }

    private final String ename;
    private final String evalue;
    private final List<String> traceback;

    private CellError(String ename, String evalue, List<String> traceback) {
        super(ename + ": " + evalue);
        this.ename = ename;
        this.evalue = evalue;
        this.traceback = List.copyOf(traceback);
    }

    String ename() {
        return ename;
    }

    String evalue() {
        return evalue;
    }

    List<String> traceback() {
        return traceback;
    }

    /** Code that does not compile: each problem with its line and a caret under the code at fault. */
    static CellError compile(CellSource source, List<Problem> problems) {
        List<String> lines = new ArrayList<>();
        for (Problem p : problems) {
            String[] message = p.message().split("\\R");
            lines.add(RED + "Compile error" + RESET + " in " + source.name() + ", line " + source.line(p.start())
                    + ", column " + source.column(p.start()) + ": " + BOLD + message[0] + RESET);
            for (int i = 1; i < message.length; i++) {
                if (!message[i].isBlank() && !message[i].strip().equals("location: class")) {
                    lines.add("    " + message[i].strip());
                }
            }
            lines.addAll(source.excerpt(p.start(), p.end()));
        }
        Problem first = problems.get(0);
        return new CellError("CompileError", source.name() + ", line " + source.line(first.start()) + ": "
                + String.join(" ", first.message().strip().split("\\s*\\R\\s*")), lines);
    }

    /**
     * An exception thrown by cell code, with its causes. Frames in cell code are shown as
     * {@code at f (In [3], line 5)}; {@code origins} maps JShell's snippet ids ({@code "#12"}) to cells.
     */
    static CellError exception(EvalException e, Function<String, Origin> origins) {
        List<String> lines = new ArrayList<>();
        String prefix = "";
        for (Throwable t = e; t != null; t = t.getCause()) {
            String className = t instanceof EvalException ? ((EvalException) t).getExceptionClassName() : t.getClass().getName();
            String message = t.getMessage();
            lines.add(prefix + RED + className + RESET + (message == null ? "" : ": " + BOLD + message + RESET));
            StackTraceElement[] frames = t.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, MAX_FRAMES); i++) {
                lines.add("    at " + frame(frames[i], origins));
            }
            if (frames.length > MAX_FRAMES) {
                lines.add("    ... " + (frames.length - MAX_FRAMES) + " more");
            }
            prefix = "Caused by: ";
        }
        String className = e.getExceptionClassName();
        String simpleName = className.substring(className.lastIndexOf('.') + 1);
        return new CellError(simpleName, e.getMessage() == null ? "" : e.getMessage(), lines);
    }

    /** A definition that refers to names that do not exist (yet); JShell keeps it, but it cannot be used. */
    static CellError unresolved(CellSource source, int start, int end, String what, List<String> missing) {
        List<String> lines = new ArrayList<>();
        String names = String.join(", ", missing);
        lines.add(RED + "Compile error" + RESET + " in " + source.name() + ", line " + source.line(start) + ": "
                + BOLD + "cannot find symbol: " + names + RESET);
        lines.add("    " + what + " was defined, but it cannot be used until " + names
                + (missing.size() == 1 ? " exists." : " exist."));
        lines.addAll(source.excerpt(start, end));
        return new CellError("CompileError", source.name() + ", line " + source.line(start) + ": cannot find symbol: " + names, lines);
    }

    /** A call to a definition that is still missing something it refers to. */
    static CellError unusable(String what, List<String> missing) {
        String text = what + " cannot be used yet: it refers to " + String.join(", ", missing)
                + ", which does not exist. Define it, then run this cell again.";
        return new CellError("UnresolvedReference", text, List.of(RED + "UnresolvedReference" + RESET + ": " + text));
    }

    /** A line magic that failed. */
    static CellError magic(CellSource source, int offset, String message) {
        String where = source.name() + ", line " + source.line(offset);
        return new CellError("MagicError", where + ": " + message,
                List.of(RED + "Magic error" + RESET + " in " + where + ": " + BOLD + message + RESET,
                        " " + source.line(offset) + " | " + source.lineText(source.line(offset))));
    }

    /** The user interrupted the cell. */
    static CellError interrupted(boolean abandoned) {
        List<String> lines = new ArrayList<>();
        lines.add(RED + "Interrupted" + RESET + ": the cell was stopped at your request.");
        lines.add("Variables it was assigning when it stopped may hold partial results.");
        if (abandoned) {
            lines.add("Its thread did not stop and still runs in the background (it was inside code that cannot be"
                    + " interrupted); restart the kernel to free the CPU.");
        }
        return new CellError("Interrupted", "the cell was stopped at your request", lines);
    }

    /** The cell ran, but its value could not be shown. */
    static CellError display(Object value, Throwable t) {
        String text = "the cell ran, but its value (a " + value.getClass().getName() + ") could not be displayed: " + t;
        return new CellError("DisplayError", text, List.of(RED + "DisplayError" + RESET + ": " + text));
    }

    /** Something went wrong in the kernel itself; say so plainly rather than blame the cell. */
    static CellError internal(Throwable t) {
        List<String> lines = new ArrayList<>();
        lines.add(RED + "Kernel error" + RESET + ": " + t + " (this is a bug in the kit's kernel, not in your code;"
                + " please report it with the cell that caused it)");
        for (StackTraceElement f : t.getStackTrace()) {
            lines.add("    at " + f);
        }
        return new CellError("KernelError", String.valueOf(t), lines);
    }

    private static String frame(StackTraceElement f, Function<String, Origin> origins) {
        String file = f.getFileName();
        Origin origin = file != null && file.startsWith("#") ? origins.apply(file.substring(1)) : null;
        if (origin == null) {
            return f.toString();
        }
        String where = origin.cell() + ", line " + (origin.firstLine() + Math.max(1, f.getLineNumber()) - 1);
        String method = f.getMethodName();
        String owner = f.getClassName();
        if (method.isEmpty() || method.startsWith("do_it$")) {
            return where;
        }
        if (method.startsWith("lambda$")) {
            method = "lambda";
        }
        return (owner.isEmpty() ? "" : owner + ".") + method + " (" + where + ")";
    }
}
