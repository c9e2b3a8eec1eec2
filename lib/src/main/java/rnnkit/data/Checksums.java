package rnnkit.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 checks of the shipped datasets, so that a changed or truncated file is caught before it is used. */
public final class Checksums {

    private Checksums() {
    }

    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Throws a {@link DatasetException} that says what to do unless the file has this SHA-256. */
    public static void verify(Path file, String expected) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException(file + " is missing; the kit ships it in datasets/ (restore it with git checkout)");
        }
        String actual = sha256(file);
        if (!actual.equals(expected)) {
            throw new DatasetException(file + " has SHA-256 " + actual + " but the kit shipped " + expected
                    + ": the file was changed or is incomplete (restore it with git checkout)");
        }
    }
}
