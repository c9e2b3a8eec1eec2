package rnnkit.vision;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import rnnkit.core.Rng;

/**
 * Small synthetic scenes with captions, for image captioning offline: one or two shapes (circle, square, triangle;
 * red, green, blue or yellow) in the cells of a 2&times;2 grid, drawn with Java2D on black, and one caption per scene
 * produced from what is in it:
 * <pre>
 *   one shape:              "a red circle in the top left"
 *   two, side by side:      "a red circle left of a blue square"      (in a row: the left one first)
 *   two, otherwise:         "a green triangle above a yellow circle"  (the upper one first)
 *   two identical shapes:   "two blue squares"
 * </pre>
 * Each shape is jittered in position and size, so no two images are the same; the caption depends only on the kinds,
 * colours and grid cells. Everything comes from the {@link Rng}: the same seed gives the same scenes, pixel for pixel
 * (antialiasing is off, so the pixels do not depend on the JDK's antialiasing rasterizer).
 */
public final class Scenes {

    /** The side of a scene's image in pixels. */
    public static final int SIZE = 32;

    private Scenes() {
    }

    public enum Shape { CIRCLE, SQUARE, TRIANGLE }

    public enum Colour {
        RED(new Color(230, 40, 40)), GREEN(new Color(40, 200, 60)), BLUE(new Color(50, 90, 240)), YELLOW(new Color(240, 220, 40));

        final Color rgb;

        Colour(Color rgb) {
            this.rgb = rgb;
        }
    }

    /** One shape: its kind and colour, its grid cell (0 top left, 1 top right, 2 bottom left, 3 bottom right), its centre and radius in pixels. */
    public record Item(Shape shape, Colour colour, int cell, double x, double y, double radius) {

        String words() {
            return colour.name().toLowerCase(Locale.ROOT) + " " + shape.name().toLowerCase(Locale.ROOT);
        }

        boolean sameKind(Item o) {
            return shape == o.shape && colour == o.colour;
        }
    }

    /** A scene: its shapes, in the order they were drawn. */
    public record Scene(List<Item> items) {

        /** The caption, as words (see the class comment for the grammar). */
        public List<String> caption() {
            String text;
            if (items.size() == 1) {
                Item a = items.get(0);
                text = "a " + a.words() + " in the " + (a.cell < 2 ? "top" : "bottom") + " " + (a.cell % 2 == 0 ? "left" : "right");
            } else {
                List<Item> byPlace = new ArrayList<>(items);
                byPlace.sort(Comparator.comparingInt(Item::cell));            // reading order: top row first, then left first
                Item a = byPlace.get(0);
                Item b = byPlace.get(1);
                if (a.sameKind(b)) {
                    text = "two " + a.words() + "s";
                } else if (a.cell / 2 == b.cell / 2) {
                    text = "a " + a.words() + " left of a " + b.words();     // same row
                } else {
                    text = "a " + a.words() + " above a " + b.words();       // a is in the top row
                }
            }
            return List.of(text.split(" "));
        }

        /** The scene drawn, {@link #SIZE} pixels square. */
        public BufferedImage image() {
            BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, SIZE, SIZE);
            for (Item it : items) {
                g.setColor(it.colour.rgb);
                double r = it.radius;
                switch (it.shape) {
                    case CIRCLE -> g.fill(new Ellipse2D.Double(it.x - r, it.y - r, 2 * r, 2 * r));
                    case SQUARE -> g.fill(new Rectangle2D.Double(it.x - 0.85 * r, it.y - 0.85 * r, 1.7 * r, 1.7 * r));
                    case TRIANGLE -> g.fill(new Polygon(
                            new int[] {(int) Math.round(it.x), (int) Math.round(it.x - r), (int) Math.round(it.x + r)},
                            new int[] {(int) Math.round(it.y - r), (int) Math.round(it.y + 0.8 * r), (int) Math.round(it.y + 0.8 * r)}, 3));
                }
            }
            g.dispose();
            return img;
        }
    }

    /** {@code n} random scenes: one shape or two (equally likely) in distinct grid cells, each of any kind and colour. */
    public static List<Scene> generate(int n, Rng rng) {
        List<Scene> out = new ArrayList<>(n);
        for (int s = 0; s < n; s++) {
            int count = 1 + rng.nextInt(2);
            int[] cells = rng.permutation(4);
            List<Item> items = new ArrayList<>(count);
            for (int k = 0; k < count; k++) {
                int cell = cells[k];
                Shape shape = Shape.values()[rng.nextInt(Shape.values().length)];
                Colour colour = Colour.values()[rng.nextInt(Colour.values().length)];
                double x = SIZE / 4.0 + SIZE / 2.0 * (cell % 2) + rng.uniform(-2, 2);
                double y = SIZE / 4.0 + SIZE / 2.0 * (cell / 2) + rng.uniform(-2, 2);
                items.add(new Item(shape, colour, cell, x, y, rng.uniform(5, 6.5)));
            }
            out.add(new Scene(List.copyOf(items)));
        }
        return out;
    }

    /**
     * Pictures with lines of text under each, in a grid of {@code columns}: to show images beside their captions in
     * a notebook. Each image is enlarged {@code scale} times (nearest neighbour, so pixels stay visible).
     */
    public static BufferedImage gallery(List<BufferedImage> images, List<List<String>> lines, int columns, int scale) {
        if (images.size() != lines.size() || images.isEmpty()) {
            throw new IllegalArgumentException("a gallery needs one list of lines per image, and at least one image; got "
                    + images.size() + " images and " + lines.size() + " lists of lines");
        }
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        int textWidth = 0;                            // the widest line sets the width of every tile
        Graphics2D probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        for (List<String> text : lines) {
            for (String line : text) {
                textWidth = Math.max(textWidth, probe.getFontMetrics(font).stringWidth(line));
            }
        }
        probe.dispose();
        int lineHeight = 15;
        int textLines = lines.stream().mapToInt(List::size).max().orElse(0);
        int side = SIZE * scale;
        int tileW = Math.max(side, textWidth + 12) + 8;
        int tileH = side + 8 + textLines * lineHeight + 10;
        int rows = (images.size() + columns - 1) / columns;
        BufferedImage out = new BufferedImage(columns * tileW, rows * tileH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(font);
        for (int i = 0; i < images.size(); i++) {
            int x0 = (i % columns) * tileW;
            int y0 = (i / columns) * tileH;
            g.drawImage(images.get(i), x0 + (tileW - side) / 2, y0 + 4, side, side, null);
            List<String> text = lines.get(i);
            for (int l = 0; l < text.size(); l++) {
                g.setColor(l == 0 ? Color.BLACK : new Color(90, 90, 90));
                g.drawString(text.get(l), x0 + 6, y0 + side + 8 + (l + 1) * lineHeight - 3);
            }
        }
        g.dispose();
        return out;
    }
}
