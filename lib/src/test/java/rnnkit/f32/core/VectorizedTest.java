package rnnkit.f32.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The warning a JVM gets when its JIT settings may compile the float32 kernels slowly (bench/README.md, 11). */
class VectorizedTest {

    @Test
    void aJvmWithHotSpotsDefaultTrapLimitIsToldWhichOptionToAdd() {
        String warning = Vectorized.trapLimitWarning(100);
        assertNotNull(warning, "HotSpot's default PerMethodTrapLimit (100) must be warned about");
        assertTrue(warning.contains("-XX:PerMethodTrapLimit=10000"), "the warning names the option to add: " + warning);
        assertTrue(warning.contains("=100;"), "the warning says this JVM's value: " + warning);
    }

    @Test
    void aJvmWithTheKitsTrapLimitOrOneThatDoesNotSayIsNotWarned() {
        assertNull(Vectorized.trapLimitWarning(10_000));
        assertNull(Vectorized.trapLimitWarning(1_000_000));
        assertNull(Vectorized.trapLimitWarning(-1), "a JVM that is not HotSpot has no such option");
    }

    @Test
    void theTestsRunWithTheOptionsOfTheKitsKernel() {
        assertEquals(10_000, Vectorized.trapLimit(), "lib/pom.xml's surefire argLine sets -XX:PerMethodTrapLimit=10000");
    }
}
