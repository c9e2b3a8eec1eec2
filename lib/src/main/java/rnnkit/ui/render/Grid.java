package rnnkit.ui.render;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A rows-by-columns view of something tabular (a matrix, a data table), shown with its head and tail when it is
 * too large: the first 10 and last 5 rows of more than 20, the first 8 and last 3 columns of more than 12.
 */
final class Grid {

    static final int MAX_ROWS = 20;
    static final int HEAD_ROWS = 10;
    static final int TAIL_ROWS = 5;
    static final int MAX_COLS = 12;
    static final int HEAD_COLS = 8;
    static final int TAIL_COLS = 3;
    /** Longer cell texts are cut, with an ellipsis: 200 characters in HTML (which wraps), 40 in plain text. */
    static final int MAX_HTML_CELL = 200;
    static final int MAX_TEXT_CELL = 40;

    /** Reads one cell as text. */
    interface Cells {
        String get(int row, int col);
    }

    private Grid() {
    }

    /** Indices to show, with -1 where the elided middle goes. */
    static List<Integer> shown(int n, int max, int head, int tail) {
        List<Integer> out = new ArrayList<>();
        if (n <= max) {
            for (int i = 0; i < n; i++) {
                out.add(i);
            }
            return out;
        }
        for (int i = 0; i < head; i++) {
            out.add(i);
        }
        out.add(-1);
        for (int i = n - tail; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    /**
     * An HTML table: a caption, then a header row ({@code headers}; null for plain indices), numbered rows, and
     * a "⋮" row and "…" column where rows and columns are left out.
     */
    static String html(String caption, int rows, int cols, List<String> headers, Cells cells, boolean numeric) {
        List<Integer> rowIdx = shown(rows, MAX_ROWS, HEAD_ROWS, TAIL_ROWS);
        List<Integer> colIdx = shown(cols, MAX_COLS, HEAD_COLS, TAIL_COLS);
        String align = numeric ? "text-align:right;" : "text-align:left;";
        StringBuilder sb = new StringBuilder("<table class=\"rnnkit-grid\" style=\"border-collapse:collapse;font-variant-numeric:tabular-nums\">");
        sb.append("<caption style=\"caption-side:top;text-align:left\">").append(Html.escape(caption)).append("</caption>");
        sb.append("<thead><tr><th></th>");
        for (int c : colIdx) {
            sb.append("<th style=\"").append(align).append("\">")
                    .append(c < 0 ? "&hellip;" : Html.escape(headers == null ? String.valueOf(c) : headers.get(c)))
                    .append("</th>");
        }
        sb.append("</tr></thead><tbody>");
        for (int r : rowIdx) {
            sb.append("<tr><th style=\"text-align:right\">").append(r < 0 ? "&vellip;" : String.valueOf(r)).append("</th>");
            for (int c : colIdx) {
                String v = r < 0 ? "&vellip;" : c < 0 ? "&hellip;" : Html.escape(cut(cells.get(r, c), MAX_HTML_CELL));
                sb.append("<td style=\"").append(align).append("\">").append(v).append("</td>");
            }
            sb.append("</tr>");
        }
        return sb.append("</tbody></table>").toString();
    }

    /** The same view as aligned plain text. */
    static String text(String caption, int rows, int cols, List<String> headers, Cells cells) {
        List<Integer> rowIdx = shown(rows, MAX_ROWS, HEAD_ROWS, TAIL_ROWS);
        List<Integer> colIdx = shown(cols, MAX_COLS, HEAD_COLS, TAIL_COLS);
        List<List<String>> table = new ArrayList<>();
        List<String> header = new ArrayList<>();
        header.add("");
        for (int c : colIdx) {
            header.add(c < 0 ? "..." : headers == null ? String.valueOf(c) : headers.get(c));
        }
        table.add(header);
        for (int r : rowIdx) {
            List<String> line = new ArrayList<>();
            line.add(r < 0 ? "..." : String.valueOf(r));
            for (int c : colIdx) {
                line.add(r < 0 || c < 0 ? "..." : cut(cells.get(r, c), MAX_TEXT_CELL));
            }
            table.add(line);
        }
        int[] width = new int[header.size()];
        for (List<String> line : table) {
            for (int i = 0; i < line.size(); i++) {
                width[i] = Math.max(width[i], line.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder(caption);
        for (List<String> line : table) {
            sb.append('\n');
            for (int i = 0; i < line.size(); i++) {
                String cell = line.get(i);
                sb.append(i == 0 ? "" : "  ").append(" ".repeat(width[i] - cell.length())).append(cell);   // right-aligned; a width may be 0
            }
        }
        return sb.toString();
    }

    static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
    }

    /** A number as the grids show it: up to 6 significant digits, without trailing zeros. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return v == 0 && 1 / v < 0 ? "-0" : String.valueOf((long) v);
        }
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        String s = String.format(Locale.ROOT, "%.6g", v);
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        String exponent = e < 0 ? "" : s.substring(e);
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return mantissa + exponent;
    }
}
