package rnnkit.kernel;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Resolves {@code %maven group:artifact:version} with the user's own Maven: from Maven Central (or the mirrors in
 * their {@code settings.xml}) through their local repository, with all runtime dependencies. Using the
 * {@code mvn} the kit was built with keeps the kernel small and honours proxies and mirrors for free.
 */
final class Maven {

    /** {@code group:artifact:version}, or with a packaging and classifier as Maven writes them. */
    private static final Pattern COORDINATE = Pattern.compile("[\\w.\\-]+:[\\w.\\-]+(:[\\w.\\-]+){1,3}");
    private static final long TIMEOUT_MINUTES = 10;

    private Maven() {
    }

    static boolean isCoordinate(String s) {
        return COORDINATE.matcher(s).matches();
    }

    /** A repository that {@code %mavenRepo id url} added, searched after Maven Central and the user's settings. */
    record Repository(String id, String url) {
    }

    /** The jars of these artifacts and their runtime dependencies, in Maven's order. */
    static List<Path> resolve(List<String> coordinates, List<Repository> repositories) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("rnnkit-maven");
        try {
            Path pom = dir.resolve("pom.xml");
            Path out = dir.resolve("classpath.txt");
            Files.writeString(pom, pom(coordinates, repositories));
            List<String> command = List.of(mavenCommand(), "-B", "-q", "-f", pom.toString(),
                    "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath",
                    "-DincludeScope=runtime", "-Dmdep.outputFile=" + out);
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("mvn.log").toFile()).start();
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException("Maven did not finish within " + TIMEOUT_MINUTES + " minutes");
            }
            if (process.exitValue() != 0 || !Files.exists(out)) {
                List<String> log = Files.readAllLines(dir.resolve("mvn.log"), StandardCharsets.UTF_8);
                throw new IOException("Maven could not resolve " + String.join(", ", coordinates) + ":\n"
                        + String.join("\n", log.subList(Math.max(0, log.size() - 15), log.size())));
            }
            List<Path> jars = new ArrayList<>();
            for (String entry : Files.readString(out).strip().split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    jars.add(Path.of(entry));
                }
            }
            return jars;
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String mavenCommand() {
        String configured = System.getenv("RNNKIT_MVN");
        return configured != null && !configured.isBlank() ? configured : "mvn";
    }

    private static String pom(List<String> coordinates, List<Repository> repositories) {
        StringBuilder deps = new StringBuilder();
        for (String c : coordinates) {
            String[] p = c.split(":");
            deps.append("<dependency><groupId>").append(p[0]).append("</groupId><artifactId>").append(p[1])
                    .append("</artifactId>");
            if (p.length >= 4) {
                deps.append("<type>").append(p[2]).append("</type>");
            }
            if (p.length == 5) {
                deps.append("<classifier>").append(p[3]).append("</classifier>");
            }
            deps.append("<version>").append(p[p.length - 1]).append("</version></dependency>");
        }
        StringBuilder repos = new StringBuilder();
        for (Repository r : repositories) {
            repos.append("<repository><id>").append(xml(r.id())).append("</id><url>").append(xml(r.url()))
                    .append("</url></repository>");
        }
        return "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>"
                + "<groupId>rnnkit.magic</groupId><artifactId>maven-magic</artifactId><version>1</version>"
                + "<repositories>" + repos + "</repositories><dependencies>" + deps + "</dependencies></project>";
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
