package rnnkit.grader;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code // BEGIN SOLUTION} ... {@code // END SOLUTION} region of an exercise cell (nbgrader's markers): the code a
 * student version replaces with a stub. Each marker starts its own line (after indentation); regions neither nest
 * nor stay open, and only exercise cells have them. Anything else is an authoring error that names the notebook, the
 * cell and the line, since a region that is not stubbed hands its solution to students.
 *
 * @param begin the 1-based line of the {@code BEGIN} marker in the cell
 * @param end the 1-based line of the {@code END} marker
 * @param indent the {@code BEGIN} marker's indentation, which the stub keeps
 */
record SolutionRegion(int begin, int end, String indent) {

    static final String BEGIN = "// BEGIN SOLUTION";
    static final String END = "// END SOLUTION";

    /**
     * The regions of a cell's source, in order; {@code where} names the cell in errors ("05-lstm-gru.ipynb, cell 12").
     * An exercise cell must have at least one; any other cell none.
     */
    static List<SolutionRegion> parse(String source, boolean exercise, String where) {
        List<SolutionRegion> out = new ArrayList<>();
        String[] lines = source.split("\n", -1);
        int open = 0;
        String indent = "";
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String code = line.stripLeading();
            String lead = line.substring(0, line.length() - code.length());
            boolean marker = lead.chars().allMatch(c -> c == ' ' || c == '\t');
            boolean begin = marker && code.startsWith(BEGIN);
            boolean end = marker && code.startsWith(END);
            int n = i + 1;
            if ((line.contains(BEGIN) || line.contains(END)) && !begin && !end) {
                throw error(where, n, "a solution marker must start its line (only indentation before it)");
            }
            if (begin || end) {
                if (!exercise) {
                    throw error(where, n, "a solution marker outside an exercise cell (students would get the code as it is);"
                            + " give the cell nbgrader metadata solution: true, or remove the marker");
                }
                if (begin && open > 0) {
                    throw error(where, n, "'" + BEGIN + "' inside the region opened at line " + open + " (regions do not nest)");
                }
                if (end && open == 0) {
                    throw error(where, n, "'" + END + "' without a '" + BEGIN + "' before it");
                }
                if (begin && i == lines.length - 1) {
                    throw error(where, n, "'" + BEGIN + "' on the cell's last line: the region is never closed");
                }
                if (begin) {
                    open = n;
                    indent = lead;
                } else {
                    out.add(new SolutionRegion(open, n, indent));
                    open = 0;
                }
            }
        }
        if (open > 0) {
            throw error(where, open, "'" + BEGIN + "' is never closed by '" + END + "'");
        }
        if (exercise && out.isEmpty()) {
            throw error(where, 1, "the exercise has no " + BEGIN + " ... " + END + " region");
        }
        return out;
    }

    /** The source with each region, markers included, replaced by a stub at the region's indentation. */
    static String stub(String source, String gradeId, String where) {
        List<SolutionRegion> regions = parse(source, true, where);
        String[] lines = source.split("\n", -1);
        StringBuilder out = new StringBuilder();
        int next = 0; // the next region to meet
        for (int i = 0; i < lines.length; i++) {
            int n = i + 1;
            SolutionRegion r = next < regions.size() ? regions.get(next) : null;
            if (r != null && n == r.begin()) {
                out.append(r.indent()).append("// YOUR CODE HERE\n").append(r.indent())
                        .append("throw new UnsupportedOperationException(\"not implemented yet: exercise ").append(gradeId).append("\");");
                i = r.end() - 1;
                next++;
            } else {
                out.append(lines[i]);
            }
            if (i < lines.length - 1) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static NotebookException error(String where, int line, String what) {
        return new NotebookException(where + ", line " + line + ": " + what);
    }
}
