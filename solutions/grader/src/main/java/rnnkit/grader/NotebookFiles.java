package rnnkit.grader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Notebook files: which files count as notebooks, and a notebook's name ("00-tour.ipynb" is "00-tour"). */
final class NotebookFiles {

    static final String SUFFIX = ".ipynb";

    private NotebookFiles() {
    }

    /** The name of a notebook file or of a relative path to one, without {@value #SUFFIX}. */
    static String name(Path file) {
        return strip(file.getFileName().toString());
    }

    /** {@code path} without a final {@value #SUFFIX}. */
    static String strip(String path) {
        return path.endsWith(SUFFIX) ? path.substring(0, path.length() - SUFFIX.length()) : path;
    }

    /** Whether {@code file} is a notebook a person saved: not one of Jupyter's checkpoints. */
    static boolean isNotebook(Path file) {
        return file.toString().endsWith(SUFFIX) && !file.toString().contains(".ipynb_checkpoints");
    }

    /** The notebooks directly in {@code dir}, sorted by name. */
    static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(NotebookFiles::isNotebook).sorted().toList();
        }
    }

    /** The solution notebooks of the kit at {@code kit}, sorted by name. */
    static List<Path> solutions(Path kit) throws IOException {
        return list(kit.resolve("solutions/notebooks"));
    }

    /** The notebooks anywhere under {@code dir}, sorted by path. */
    static List<Path> walk(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(NotebookFiles::isNotebook).sorted().toList();
        }
    }
}
