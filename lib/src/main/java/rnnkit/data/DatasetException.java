package rnnkit.data;

/** A shipped dataset that is missing, changed, or malformed; the message names the file (and line). */
public final class DatasetException extends RuntimeException {

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
