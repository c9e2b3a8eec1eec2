package rnnkit.grader;

/** A notebook that cannot be read as one; the message says which file and what is wrong. */
public final class NotebookException extends RuntimeException {

    public NotebookException(String message) {
        super(message);
    }
}
