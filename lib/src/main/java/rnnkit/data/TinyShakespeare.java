package rnnkit.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tiny Shakespeare (Karpathy's char-rnn): about 1.1 million characters of Shakespeare's plays, 65 distinct
 * characters, split 90/10 into training and validation text at the 90% mark (as in nanoGPT).
 */
public final class TinyShakespeare {

    public static final String FILE = "tinyshakespeare/input.txt";
    public static final String SHA256 = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed";

    private TinyShakespeare() {
    }

    /** The training and validation text. */
    public record Split(String train, String validation) {
        public String all() {
            return train + validation;
        }
    }

    /** The shipped file, checked. */
    public static Split load() {
        return load(KitPaths.dataset(FILE), SHA256);
    }

    /** Any text file, checked against {@code sha256} unless it is null. */
    public static Split load(Path file, String sha256) {
        if (sha256 != null) {
            Checksums.verify(file, sha256);
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (text.isEmpty()) {
            throw new DatasetException(file + " is empty");
        }
        int cut = (int) (text.length() * 0.9);
        return new Split(text.substring(0, cut), text.substring(cut));
    }
}
