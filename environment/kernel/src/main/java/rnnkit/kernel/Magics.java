package rnnkit.kernel;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * IJava's line magics: {@code %jars <glob>...}, {@code %classpath <path>...}, {@code %maven <coordinate>...},
 * {@code %mavenRepo <id> <url>} and {@code %load <file>}. Relative paths are relative to the notebook's folder (the
 * kernel's working directory). A magic is one entry of the registry the constructor fills; the messages that list
 * the kernel's magics are made from it.
 */
final class Magics {

    /** What the magics act on: the evaluator's class path, and running code from a file. */
    interface Session {
        void addToClasspath(String path);

        Object run(CellSource source) throws CellError;
    }

    /** One line magic: runs with the cell, the magic line and its arguments split as {@link #split} does. */
    @FunctionalInterface
    interface LineMagic {
        Object run(CellSource source, CellSource.Magic magic, List<String> args)
                throws CellError, IOException, InterruptedException;
    }

    private final Session session;
    private final List<Maven.Repository> repositories = new ArrayList<>();
    /** Every line magic by name, in the order the messages list them. */
    private final Map<String, LineMagic> registry = new LinkedHashMap<>();

    Magics(Session session) {
        this.session = session;
        registry.put("jars", this::jars);
        registry.put("classpath", this::classpath);
        registry.put("maven", this::maven);
        registry.put("mavenRepo", this::mavenRepo);
        registry.put("load", this::load);
    }

    /** The magics' names as the error messages list them: "%jars, %classpath, ... and %load". */
    String names() {
        List<String> names = registry.keySet().stream().map(n -> "%" + n).toList();
        return names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }

    /** Runs one magic line of {@code source}; returns the value of a loaded file's last expression, if any. */
    Object run(CellSource source, CellSource.Magic magic) throws CellError {
        if (magic.cell()) {
            throw CellError.magic(source, magic.start(), "cell magics (%%" + magic.name() + ") are not supported;"
                    + " this kernel has the line magics " + names());
        }
        LineMagic line = registry.get(magic.name());
        if (line == null) {
            throw CellError.magic(source, magic.start(), "unknown magic %" + magic.name() + "; this kernel has " + names());
        }
        try {
            return line.run(source, magic, split(magic.args()));
        } catch (IOException e) {
            throw CellError.magic(source, magic.start(), "%" + magic.name() + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CellError.interrupted(false);
        }
    }

    private Object jars(CellSource source, CellSource.Magic magic, List<String> globs) throws CellError, IOException {
        requireArgs(source, magic, globs, "%jars lib/*.jar");
        List<Path> jars = new ArrayList<>();
        for (String glob : globs) {
            List<Path> found = glob(glob).stream()
                    .filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".jar"))
                    .collect(Collectors.toList());
            if (found.isEmpty()) {
                throw CellError.magic(source, magic.start(), "%jars: no jar file matches '" + glob + "' (from "
                        + Path.of("").toAbsolutePath() + ")");
            }
            jars.addAll(found);
        }
        add(jars);
        System.out.println("%jars: added " + jars.size() + (jars.size() == 1 ? " jar" : " jars") + " to the class path");
        return null;
    }

    private Object classpath(CellSource source, CellSource.Magic magic, List<String> entries) throws CellError {
        requireArgs(source, magic, entries, "%classpath build/classes");
        List<Path> paths = new ArrayList<>();
        for (String arg : entries) {
            for (String entry : arg.split(File.pathSeparator)) {
                Path p = Path.of(entry).toAbsolutePath().normalize();
                if (!Files.exists(p)) {
                    throw CellError.magic(source, magic.start(), "%classpath: " + p + " does not exist");
                }
                paths.add(p);
            }
        }
        add(paths);
        System.out.println("%classpath: added " + paths.stream().map(Path::toString).collect(Collectors.joining(", ")));
        return null;
    }

    private Object maven(CellSource source, CellSource.Magic magic, List<String> coordinates)
            throws CellError, IOException, InterruptedException {
        requireArgs(source, magic, coordinates, "%maven org.apache.commons:commons-math3:3.6.1");
        for (String c : coordinates) {
            if (!Maven.isCoordinate(c)) {
                throw CellError.magic(source, magic.start(), "%maven: '" + c + "' is not a Maven coordinate;"
                        + " write group:artifact:version, e.g. org.apache.commons:commons-math3:3.6.1");
            }
        }
        List<Path> jars = Maven.resolve(coordinates, repositories);
        add(jars);
        System.out.println("%maven: added " + jars.size() + (jars.size() == 1 ? " jar" : " jars") + " for "
                + String.join(", ", coordinates));
        return null;
    }

    /** {@code %mavenRepo id url}: later {@code %maven} lines also search this repository, as in IJava. */
    private Object mavenRepo(CellSource source, CellSource.Magic magic, List<String> args) throws CellError {
        if (args.size() != 2) {
            throw CellError.magic(source, magic.start(), "%mavenRepo takes an id and a URL, e.g."
                    + " %mavenRepo jitpack https://jitpack.io");
        }
        repositories.removeIf(r -> r.id().equals(args.get(0)));
        repositories.add(new Maven.Repository(args.get(0), args.get(1)));
        System.out.println("%mavenRepo: %maven also searches " + args.get(1) + " (" + args.get(0) + ")");
        return null;
    }

    private Object load(CellSource source, CellSource.Magic magic, List<String> files) throws CellError, IOException {
        if (files.size() != 1) {
            throw CellError.magic(source, magic.start(), "%load takes one file, e.g. %load helpers.jsh");
        }
        Path file = Path.of(files.get(0));
        if (!Files.isRegularFile(file)) {
            throw CellError.magic(source, magic.start(), "%load: no file " + file.toAbsolutePath().normalize());
        }
        return session.run(new CellSource(file.toString(), Files.readString(file, StandardCharsets.UTF_8)));
    }

    private void add(List<Path> paths) {
        session.addToClasspath(paths.stream().map(p -> p.toAbsolutePath().normalize().toString())
                .collect(Collectors.joining(File.pathSeparator)));
    }

    private static void requireArgs(CellSource source, CellSource.Magic magic, List<String> args, String example)
            throws CellError {
        if (args.isEmpty()) {
            throw CellError.magic(source, magic.start(), "%" + magic.name() + " needs an argument, e.g. " + example);
        }
    }

    /** Files matching a glob such as {@code lib/*.jar} or {@code ../jars/**.jar}, in a stable order. */
    static List<Path> glob(String glob) throws IOException {
        int wildcard = firstWildcard(glob);
        if (wildcard < 0) {
            Path p = Path.of(glob);
            return Files.exists(p) ? List.of(p) : List.of();
        }
        // The search starts in the fixed folder before the first wildcard.
        int slash = glob.lastIndexOf('/', wildcard);
        Path dir = slash < 0 ? Path.of(".") : Path.of(slash == 0 ? "/" : glob.substring(0, slash));
        String pattern = glob.substring(slash + 1);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        int depth = pattern.contains("**") ? Integer.MAX_VALUE : pattern.split("/").length;
        try (Stream<Path> files = Files.walk(dir, depth)) {
            return files.filter(p -> matcher.matches(dir.relativize(p))).sorted().collect(Collectors.toList());
        }
    }

    private static int firstWildcard(String glob) {
        for (int i = 0; i < glob.length(); i++) {
            if ("*?[{".indexOf(glob.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** Splits magic arguments at spaces, keeping "quoted parts" together. */
    static List<String> split(String args) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : args.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (any) {
                    out.add(current.toString());
                    current.setLength(0);
                    any = false;
                }
            } else {
                current.append(c);
                any = true;
            }
        }
        if (any) {
            out.add(current.toString());
        }
        return out;
    }
}
