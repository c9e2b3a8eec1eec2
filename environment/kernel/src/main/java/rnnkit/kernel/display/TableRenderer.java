package rnnkit.kernel.display;

import java.util.List;
import org.dflib.jjava.jupyter.kernel.display.RenderContext;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import tech.tablesaw.api.ColumnType;
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
        Grid.Cells cells = t::getString;
        ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> Grid.html(caption, t.rowCount(), t.columnCount(), headers, cells, numeric));
        ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> Grid.text(caption, t.rowCount(), t.columnCount(), headers, cells));
    }

    private static boolean isNumeric(Column<?> c) {
        ColumnType type = c.type();
        return type.equals(ColumnType.DOUBLE) || type.equals(ColumnType.INTEGER) || type.equals(ColumnType.LONG)
                || type.equals(ColumnType.FLOAT) || type.equals(ColumnType.SHORT);
    }
}
