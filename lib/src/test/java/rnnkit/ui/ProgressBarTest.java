package rnnkit.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    /** A clock that moves only when told to. */
    private static final class FakeClock {
        long nanos;

        void advanceMillis(long ms) {
            nanos += ms * 1_000_000L;
        }
    }

    /** Records every redraw. */
    private static final class Recorder implements ProgressBar.Sink {
        final List<String> frames = new ArrayList<>();

        @Override
        public void draw(ProgressBar bar, boolean last) {
            frames.add(bar.text());
        }
    }

    @Test
    void drawsOnStartThrottlesRedrawsAndAlwaysDrawsTheEnd() {
        FakeClock clock = new FakeClock();
        Recorder sink = new Recorder();
        try (ProgressBar bar = new ProgressBar("train", 100, sink, () -> clock.nanos)) {
            for (int i = 0; i < 100; i++) {
                clock.advanceMillis(10); // 10 steps per redraw interval of 100 ms
                bar.step();
            }
        }
        // start + one every 10 steps (the 100th is also the "count reached total" draw) + close
        assertEquals(1 + 10 + 1, sink.frames.size(), "frames drawn: " + sink.frames);
        assertTrue(sink.frames.get(0).startsWith("train   0% [------------------------] 0/100"), sink.frames.get(0));
        assertEquals("train 100% [########################] 100/100 [00:01, 100.0 it/s]", sink.frames.get(sink.frames.size() - 1));
    }

    @Test
    void showsEtaRateAndMetrics() {
        FakeClock clock = new FakeClock();
        Recorder sink = new Recorder();
        ProgressBar bar = new ProgressBar("epoch", 4, sink, () -> clock.nanos).unit("batch");
        clock.advanceMillis(2000);
        bar.show("loss", 1.25).step();
        assertEquals("epoch  25% [######------------------] 1/4 [00:02<00:06, 2.00 s/batch] loss=1.2500",
                sink.frames.get(sink.frames.size() - 1));
    }

    @Test
    void unknownTotalShowsCountOnly() {
        FakeClock clock = new FakeClock();
        Recorder sink = new Recorder();
        ProgressBar bar = new ProgressBar("", 0, sink, () -> clock.nanos);
        clock.advanceMillis(1000);
        bar.step(5).close();
        assertEquals("5 [00:01, 5.0 it/s]", sink.frames.get(sink.frames.size() - 1));
    }

    @Test
    void htmlEscapesLabelsAndUsesAProgressElement() {
        ProgressBar bar = new ProgressBar("a<b", 10, (b, last) -> { }, () -> 0L);
        String html = bar.html();
        assertTrue(html.contains("a&lt;b"), html);
        assertTrue(html.contains("<progress value=\"0\" max=\"10\""), html);
    }

    @Test
    void notebookSinkShowsOnceThenReplacesInPlace() {
        List<String> calls = new ArrayList<>();
        RichDisplay display = new RichDisplay() {
            @Override
            public String show(Map<String, String> bundle) {
                calls.add("show " + bundle.keySet());
                return "id-1";
            }

            @Override
            public void replace(String id, Map<String, String> bundle) {
                calls.add("replace " + id);
            }

            @Override
            public boolean active() {
                return true;
            }
        };
        FakeClock clock = new FakeClock();
        try (ProgressBar bar = new ProgressBar("x", 3, new ProgressBar.NotebookSink(display), () -> clock.nanos)) {
            for (int i = 0; i < 3; i++) {
                clock.advanceMillis(200);
                bar.step();
            }
        }
        assertTrue(calls.get(0).startsWith("show [") && calls.get(0).contains("text/html")
                && calls.get(0).contains("text/plain"), "first draw shows an HTML bar with a text twin: " + calls);
        assertEquals(List.of("replace id-1", "replace id-1", "replace id-1", "replace id-1"), calls.subList(1, calls.size()));
    }

    @Test
    void consoleWithoutTerminalPrintsAtMostElevenLines() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FakeClock clock = new FakeClock();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (ProgressBar bar = new ProgressBar("run", 1000, new ProgressBar.ConsoleSink(out, false), () -> clock.nanos)) {
            for (int i = 0; i < 1000; i++) {
                clock.advanceMillis(1);
                bar.step();
            }
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(11, lines.length, String.join("\n", lines));
        assertTrue(lines[10].contains("1000/1000"), lines[10]);
    }

    @Test
    void consoleOnATerminalRedrawsOneLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (ProgressBar bar = new ProgressBar("run", 2, new ProgressBar.ConsoleSink(out, true), () -> 0L)) {
            bar.step(2);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.chars().filter(c -> c == '\n').count(), "only the final draw ends the line");
        assertTrue(text.startsWith("\r"), text);
    }

    @Test
    void refusesStepsAfterCloseAndNegativeTotals() {
        ProgressBar bar = new ProgressBar("x", 1, (b, last) -> { }, () -> 0L);
        bar.close();
        assertThrows(IllegalStateException.class, bar::step);
        assertThrows(IllegalArgumentException.class, () -> new ProgressBar("x", -1, (b, last) -> { }, () -> 0L));
    }
}
