package rnnkit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KitPathsTest {

    @AfterEach
    void clearProperty() {
        System.clearProperty("rnnkit.home");
    }

    @Test
    void findsTheKitAboveTheWorkingDirectory() {
        // Surefire runs in lib/, whose parent is the kit root.
        Path home = KitPaths.home();
        assertTrue(Files.isDirectory(home.resolve("datasets")), home.toString());
        assertTrue(Files.isDirectory(home.resolve("lib")), home.toString());
    }

    @Test
    void theSystemPropertyWins(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("datasets/x"));
        Files.writeString(dir.resolve("datasets/x/a.txt"), "hello");
        System.setProperty("rnnkit.home", dir.toString());
        assertEquals(dir.toAbsolutePath().normalize(), KitPaths.home());
        assertEquals("hello", Files.readString(KitPaths.dataset("x/a.txt")));
    }

    @Test
    void aMisconfiguredHomeSaysWhereItPointed(@TempDir Path dir) {
        System.setProperty("rnnkit.home", dir.toString());
        IllegalStateException e = assertThrows(IllegalStateException.class, KitPaths::home);
        assertTrue(e.getMessage().contains("rnnkit.home") && e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void aMissingDatasetFileNamesThePath(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("datasets"));
        System.setProperty("rnnkit.home", dir.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KitPaths.dataset("nope.txt"));
        assertTrue(e.getMessage().contains("nope.txt"), e.getMessage());
    }
}
