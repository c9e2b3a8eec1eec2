package rnnkit.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import rnnkit.core.Rng;

class ScenesTest {

    private static Scenes.Item item(Scenes.Shape s, Scenes.Colour c, int cell) {
        return new Scenes.Item(s, c, cell, 8 + 16 * (cell % 2), 8 + 16 * (cell / 2), 6);
    }

    @Test
    void captionsFollowTheGrammar() {
        assertEquals("a red circle in the top left", String.join(" ",
                new Scenes.Scene(List.of(item(Scenes.Shape.CIRCLE, Scenes.Colour.RED, 0))).caption()));
        assertEquals("a yellow triangle in the bottom right", String.join(" ",
                new Scenes.Scene(List.of(item(Scenes.Shape.TRIANGLE, Scenes.Colour.YELLOW, 3))).caption()));
        // two in a row: the left one first, whatever order they were drawn in
        assertEquals("a blue square left of a green circle", String.join(" ", new Scenes.Scene(List.of(
                item(Scenes.Shape.CIRCLE, Scenes.Colour.GREEN, 3), item(Scenes.Shape.SQUARE, Scenes.Colour.BLUE, 2))).caption()));
        // otherwise the upper one first, also on a diagonal
        assertEquals("a green circle above a blue square", String.join(" ", new Scenes.Scene(List.of(
                item(Scenes.Shape.SQUARE, Scenes.Colour.BLUE, 2), item(Scenes.Shape.CIRCLE, Scenes.Colour.GREEN, 1))).caption()));
        assertEquals("two red triangles", String.join(" ", new Scenes.Scene(List.of(
                item(Scenes.Shape.TRIANGLE, Scenes.Colour.RED, 0), item(Scenes.Shape.TRIANGLE, Scenes.Colour.RED, 3))).caption()));
    }

    @Test
    void theSameSeedGivesTheSamePixels() {
        List<Scenes.Scene> a = Scenes.generate(20, new Rng(5)), b = Scenes.generate(20, new Rng(5));
        assertEquals(a, b);
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(pixels(a.get(i).image()), pixels(b.get(i).image()), "scene " + i);
        }
        assertNotEquals(a, Scenes.generate(20, new Rng(6)));
    }

    @Test
    void shapesAreDrawnInTheirColourInTheirCell() {
        Scenes.Scene s = new Scenes.Scene(List.of(item(Scenes.Shape.SQUARE, Scenes.Colour.BLUE, 3)));
        BufferedImage img = s.image();
        assertEquals(Scenes.SIZE, img.getWidth());
        assertEquals(Scenes.Colour.BLUE.rgb.getRGB(), img.getRGB(24, 24), "the square's centre");
        assertEquals(0xFF000000, img.getRGB(8, 8), "an empty cell is black");
    }

    @Test
    void scenesHoldOneOrTwoShapesInDistinctCells() {
        int two = 0;
        for (Scenes.Scene s : Scenes.generate(500, new Rng(7))) {
            assertTrue(s.items().size() == 1 || s.items().size() == 2);
            if (s.items().size() == 2) {
                two++;
                assertNotEquals(s.items().get(0).cell(), s.items().get(1).cell());
            }
            int words = s.caption().size();
            assertTrue(words >= 3 && words <= 8, "3 to 8 words: " + s.caption());
        }
        assertTrue(two > 200 && two < 300, "about half have two shapes: " + two);
    }

    @Test
    void theEncoderGivesStandardizedFeaturesThatTellScenesApart() {
        List<BufferedImage> images = Scenes.generate(200, new Rng(8)).stream().map(Scenes.Scene::image).toList();
        RandomConvEncoder encoder = new RandomConvEncoder(4, 5, new Rng(9));
        assertThrows(IllegalStateException.class, () -> encoder.encode(images));
        DMatrixRMaj v = encoder.fit(images).encode(images);
        assertEquals(200, v.numRows);
        assertEquals(32, v.numCols);
        for (int j = 0; j < v.numCols; j++) {
            double mean = 0;
            double sq = 0;
            for (int n = 0; n < v.numRows; n++) {
                mean += v.get(n, j) / v.numRows;
                sq += v.get(n, j) * v.get(n, j) / v.numRows;
            }
            assertEquals(0, mean, 1e-9, "feature " + j + " has mean 0 on the images it was fit on");
            assertTrue(sq < 1 + 1e-6, "feature " + j + " has variance at most 1");
        }
        DMatrixRMaj again = new RandomConvEncoder(4, 5, new Rng(9)).fit(images).encode(images);
        assertArrayEquals(v.data, again.data, 0, "the same seed gives the same features");
    }

    @Test
    void aGalleryNeedsOneCaptionPerImage() {
        BufferedImage img = Scenes.generate(1, new Rng(1)).get(0).image();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scenes.gallery(List.of(img, img), List.of(List.of("x")), 2, 2));
        assertTrue(e.getMessage().contains("2 images and 1 lists"), e.getMessage());
        BufferedImage g = Scenes.gallery(List.of(img, img, img), List.of(List.of("one"), List.of("two"), List.of("three", "lines")), 2, 3);
        assertEquals(2 * (g.getWidth() / 2), g.getWidth());
        assertTrue(g.getHeight() > 2 * Scenes.SIZE * 3, "two rows of tiles");
    }

    private static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }
}
