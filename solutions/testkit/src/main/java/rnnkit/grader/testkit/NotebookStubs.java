package rnnkit.grader.testkit;

/**
 * What the kernel gives every cell but a graded exercise has no notebook for: {@code display} and friends do
 * nothing here, so an exercise that shows something while it works still compiles and runs under the grader.
 * Generated exercise classes extend this.
 */
public class NotebookStubs {

    protected NotebookStubs() {
    }

    public static String display(Object o) {
        return "";
    }

    public static String display(Object o, String... as) {
        return "";
    }

    public static void updateDisplay(String id, Object o) {
    }

    public static void updateDisplay(String id, Object o, String... as) {
    }
}
