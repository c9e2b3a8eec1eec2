package rnnkit.kernel.display;

import java.util.List;
import org.dflib.jjava.jupyter.kernel.display.RenderContext;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.NumberColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** Tablesaw tables as HTML tables, with only their head and tail when they are long. */
final class TableRenderer {

    private TableRenderer() {
    }

    static void register(Renderer renderer) {
        renderer.createRegistration(Table.class)
                .preferring(MIMEType.TEXT_HTML)
                .register(TableRenderer::render);
    }

    static void render(Table t, RenderContext ctx) {
        List<String> headers = t.columnNames();
        String caption = (t.name() == null || t.name().isBlank() ? "Table" : t.name())
                + " (" + t.rowCount() + " rows \u00d7 " + t.columnCount() + " columns)";
        boolean numeric = t.columns().stream().allMatch(TableRenderer::isNumeric);
        Grid.Cells cells = (r, c) -> cell(t.column(c), r);
        ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> Grid.html(caption, t.rowCount(), t.columnCount(), headers, cells, numeric));
        ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> Grid.text(caption, t.rowCount(), t.columnCount(), headers, cells));
    }

    /** Floating-point cells as the matrix grids show numbers (10.246, not 10.245999999999999). */
    private static String cell(Column<?> column, int row) {
        if (column.isMissing(row)) {
            return "";
        }
        if (column instanceof NumberColumn && (column.type().equals(ColumnType.DOUBLE) || column.type().equals(ColumnType.FLOAT))) {
            return Grid.number(((NumberColumn<?, ?>) column).getDouble(row));
        }
        return column.getString(row);
    }

    private static boolean isNumeric(Column<?> c) {
        ColumnType type = c.type();
        return type.equals(ColumnType.DOUBLE) || type.equals(ColumnType.INTEGER) || type.equals(ColumnType.LONG)
                || type.equals(ColumnType.FLOAT) || type.equals(ColumnType.SHORT);
    }
}
