package rnnkit.grader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/** A zip writer that keeps scripts executable and writes the same bytes for the same inputs. */
final class Zip implements AutoCloseable {

    private final ZipArchiveOutputStream out;

    Zip(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        out = new ZipArchiveOutputStream(file.toFile());
    }

    /** Adds a file; {@code executable} sets mode 755 (else 644). */
    void add(String name, byte[] bytes, boolean executable) throws IOException {
        ZipArchiveEntry e = new ZipArchiveEntry(name);
        e.setUnixMode((executable ? 0755 : 0644) | 0100000);
        e.setTime(0);
        out.putArchiveEntry(e);
        out.write(bytes);
        out.closeArchiveEntry();
    }

    /** Adds a file from disk, executable if it is on disk. */
    void add(String name, Path file) throws IOException {
        add(name, Files.readAllBytes(file), Files.isExecutable(file));
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
