package rnnkit.grader;

import java.util.List;

/** What grading produces, per exercise and per submission. */
public final class Results {

    private Results() {
    }

    /** How an exercise went. */
    public enum Status {
        PASSED, PARTIAL, FAILED, COMPILE_ERROR, NOT_ALLOWED, TIMEOUT, CRASHED, MISSING, NOT_GRADED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
    }

    /** One hidden test: its name, its weight (from the grader's own reading of the tests), whether it passed, why not. */
    public record TestResult(String name, double weight, boolean passed, String message) {
    }

    /** One exercise: its score out of its points, why, each hidden test, and what the code printed. */
    public record Exercise(String id, double points, double score, Status status, String feedback,
                           List<TestResult> tests, String output) {

        /** An exercise that earns nothing before any test ran (it is missing, does not compile, was refused, ...). */
        public static Exercise zero(Assignment.Exercise x, Status status, String feedback) {
            return new Exercise(x.id(), x.points(), 0, status, feedback, List.of(), "");
        }

        /** This result with {@code notes} (one a line) heading its feedback. */
        public Exercise withNotes(List<String> notes) {
            return notes.isEmpty() ? this
                    : new Exercise(id, points, score, status, String.join("\n", notes) + "\n" + feedback, tests, output);
        }
    }

    /**
     * One submission: the student (from the file name), the file, which notebook it is, the total, each
     * exercise, notes (tampered or duplicated cells), a fatal error if it could not be graded at all, and the
     * time taken.
     */
    public record Submission(String student, String file, String notebook, double score, double maxScore,
                             List<Exercise> exercises, List<String> notes, String error, double seconds) {

        /** A file that could not be graded at all ({@code error} says why): no notebook, no exercises, no score. */
        public static Submission unreadable(String student, String file, String error, double seconds) {
            return new Submission(student, file, "?", 0, 0, List.of(), List.of(), error, seconds);
        }
    }
}
