package rnnkit.ui;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A progress bar for training loops: one output that is updated in place, never a thousand log lines.
 *
 * <pre>{@code
 * try (ProgressBar bar = ProgressBar.start("training", steps)) {
 *     for (int s = 0; s < steps; s++) {
 *         double loss = trainStep();
 *         bar.step().show("loss", loss);
 *     }
 * }
 * }</pre>
 *
 * <p>In a notebook it is an HTML {@code <progress>} element with a plain-text twin (what
 * {@code nbconvert --to markdown} and text front-ends show). On a terminal it redraws one line with {@code \r};
 * when output goes to a file or pipe it prints a line every tenth of the way, so logs stay short.
 * Redraws are throttled to one every 100 ms, except the first and the last.
 */
public final class ProgressBar implements AutoCloseable {

    private static final long MIN_REDRAW_NANOS = 100_000_000L;
    private static final int TEXT_WIDTH = 24;

    /** Where a bar draws itself. */
    interface Sink {
        void draw(ProgressBar bar, boolean last);
    }

    private final String label;
    private final long total;
    private final Sink sink;
    private final LongSupplier clock;
    private final long startNanos;
    private final Map<String, String> metrics = new LinkedHashMap<>();
    private String unit = "it";
    private long count;
    private long lastDrawNanos;
    private boolean closed;

    ProgressBar(String label, long total, Sink sink, LongSupplier clock) {
        if (total < 0) {
            throw new IllegalArgumentException("ProgressBar total must be >= 0 (0 means unknown), got " + total);
        }
        this.label = label == null ? "" : label;
        this.total = total;
        this.sink = sink;
        this.clock = clock;
        this.startNanos = clock.getAsLong();
        this.lastDrawNanos = startNanos;
        sink.draw(this, false);
    }

    /**
     * Starts a bar of {@code total} steps (0 if the total is unknown), drawn in the notebook when a cell is
     * running and on standard error otherwise.
     */
    public static ProgressBar start(String label, long total) {
        Sink sink = RichDisplay.current().<Sink>map(NotebookSink::new)
                .orElseGet(() -> new ConsoleSink(System.err, System.console() != null));
        return new ProgressBar(label, total, sink, System::nanoTime);
    }

    /** Names what one step is ("batch", "epoch", "token"), as shown in the rate; the default is "it". */
    public ProgressBar unit(String unit) {
        this.unit = unit;
        return this;
    }

    /** Advances by one step. */
    public ProgressBar step() {
        return step(1);
    }

    /** Advances by {@code n} steps. */
    public ProgressBar step(long n) {
        if (closed) {
            throw new IllegalStateException("ProgressBar '" + label + "' was already closed");
        }
        count += n;
        long now = clock.getAsLong();
        if (now - lastDrawNanos >= MIN_REDRAW_NANOS || (total > 0 && count >= total)) {
            lastDrawNanos = now;
            sink.draw(this, false);
        }
        return this;
    }

    /** Shows a named number after the bar, such as the current loss; it appears at the next redraw. */
    public ProgressBar show(String name, double value) {
        metrics.put(name, String.format(Locale.ROOT, Math.abs(value) >= 1e4 || (value != 0 && Math.abs(value) < 1e-3)
                ? "%.3e" : "%.4f", value));
        return this;
    }

    /** Shows a named piece of text after the bar. */
    public ProgressBar show(String name, String text) {
        metrics.put(name, text);
        return this;
    }

    /** Steps done so far. */
    public long count() {
        return count;
    }

    /** Draws the final state (with the total time taken). Closing twice is harmless. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            sink.draw(this, true);
        }
    }

    /** The bar as one line of plain text, e.g. {@code training  45% [##########------------] 450/1000 [00:12<00:15, 37.5 it/s] loss=1.2340}. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        if (!label.isEmpty()) {
            sb.append(label).append(' ');
        }
        if (total > 0) {
            double fraction = Math.min(1.0, (double) count / total);
            int filled = (int) Math.round(fraction * TEXT_WIDTH);
            sb.append(String.format(Locale.ROOT, "%3d%% [", (int) Math.floor(fraction * 100)))
                    .append("#".repeat(filled)).append("-".repeat(TEXT_WIDTH - filled)).append("] ")
                    .append(count).append('/').append(total);
        } else {
            sb.append(count);
        }
        sb.append(' ').append(timing());
        metrics.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }

    /** The bar as an HTML fragment for notebooks. */
    public String html() {
        StringBuilder sb = new StringBuilder("<div class=\"rnnkit-progress\" style=\"font-family:monospace;white-space:pre\">");
        if (!label.isEmpty()) {
            sb.append(escape(label)).append(' ');
        }
        if (total > 0) {
            sb.append("<progress value=\"").append(Math.min(count, total)).append("\" max=\"").append(total)
                    .append("\" style=\"width:20em;vertical-align:middle\"></progress> ")
                    .append(String.format(Locale.ROOT, "%3d%% %d/%d", (int) Math.floor(100.0 * Math.min(count, total) / total), count, total));
        } else {
            sb.append(count);
        }
        sb.append(' ').append(escape(timing()));
        metrics.forEach((k, v) -> sb.append(' ').append(escape(k)).append('=').append(escape(v)));
        return sb.append("</div>").toString();
    }

    private String timing() {
        double elapsed = (clock.getAsLong() - startNanos) / 1e9;
        double rate = elapsed > 0 ? count / elapsed : 0;
        String rateText = rate >= 1 || rate == 0
                ? String.format(Locale.ROOT, "%.1f %s/s", rate, unit)
                : String.format(Locale.ROOT, "%.2f s/%s", 1 / rate, unit);
        if (closed || total == 0 || count == 0) {
            return "[" + clock(elapsed) + ", " + rateText + "]";
        }
        double remaining = Math.max(0, (total - count) / rate);
        return "[" + clock(elapsed) + "<" + clock(remaining) + ", " + rateText + "]";
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Draws into one notebook output, replaced in place on every redraw. */
    static final class NotebookSink implements Sink {
        private final RichDisplay display;
        private String displayId;

        NotebookSink(RichDisplay display) {
            this.display = display;
        }

        @Override
        public void draw(ProgressBar bar, boolean last) {
            Map<String, String> bundle = Map.of("text/plain", bar.text(), "text/html", bar.html());
            if (displayId == null) {
                displayId = display.show(bundle);
            } else {
                display.replace(displayId, bundle);
            }
        }
    }

    /** Redraws one terminal line, or prints a line per tenth of the way when the output is not a terminal. */
    static final class ConsoleSink implements Sink {
        private final PrintStream out;
        private final boolean terminal;
        private long lastTenth = -1;

        ConsoleSink(PrintStream out, boolean terminal) {
            this.out = out;
            this.terminal = terminal;
        }

        @Override
        public void draw(ProgressBar bar, boolean last) {
            if (terminal) {
                out.print("\r" + bar.text() + "\033[K" + (last ? "\n" : ""));
                out.flush();
                return;
            }
            long tenth = bar.total > 0 ? bar.count * 10 / bar.total : -1;
            if (last || (tenth > lastTenth && tenth < 10)) {
                lastTenth = tenth;
                out.println(bar.text());
            }
        }
    }
}
