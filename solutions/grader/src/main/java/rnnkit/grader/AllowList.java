package rnnkit.grader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What graded code may refer to: the rules of {@code allowed-calls.txt}, checked on an exercise's compiled bytecode
 * before any of it runs. Computation is allowed (the language, collections, streams, EJML, the kit's library,
 * Tablesaw's in-memory API); the world outside the JVM, the JVM's own controls and the grader are not. A submission
 * whose exercise uses anything else scores 0 on that exercise, with every offending use named by its cell line.
 *
 * <p>This is what keeps the verdict out of the student's reach: the hidden tests run in the JVM where the
 * student's methods run, and code that cannot write files, start processes, stop the JVM, load classes, reflect or
 * touch the runner's streams cannot forge, hide or disturb their results (README, "Threat model").
 */
final class AllowList {

    private static final AllowList DEFAULT = load();

    /** One line of the rules: a class pattern, an optional member pattern, and whether it allows or takes back. */
    private record Rule(boolean allow, Pattern owner, Pattern member, String text) {
        boolean matches(String owner, String member) {
            if (!this.owner.matcher(owner).matches()) {
                return false;
            }
            return this.member == null || (member != null && this.member.matcher(member).matches());
        }
    }

    private final List<Rule> rules;

    private AllowList(List<Rule> rules) {
        this.rules = rules;
    }

    static AllowList defaults() {
        return DEFAULT;
    }

    private static AllowList load() {
        try (InputStream in = AllowList.class.getResourceAsStream("allowed-calls.txt")) {
            if (in == null) {
                throw new IllegalStateException("the grader jar lacks allowed-calls.txt; rebuild it with ./build.sh");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static AllowList parse(String text) {
        List<Rule> rules = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            rules.add(rule(line));
        }
        return new AllowList(List.copyOf(rules));
    }

    private static Rule rule(String line) {
        boolean allow = !line.startsWith("!");
        String body = allow ? line : line.substring(1);
        int hash = body.indexOf('#');
        String owner = hash < 0 ? body : body.substring(0, hash);
        String member = hash < 0 ? null : body.substring(hash + 1);
        String ownerRegex;
        if (owner.endsWith("/**")) {
            ownerRegex = Pattern.quote(owner.substring(0, owner.length() - 2)) + ".*";
        } else if (owner.endsWith("/*")) {
            ownerRegex = Pattern.quote(owner.substring(0, owner.length() - 1)) + "[^/]+";
        } else {
            ownerRegex = glob(owner) + "(\\$.*)?"; // a class and its nested classes
        }
        return new Rule(allow, Pattern.compile(ownerRegex), member == null ? null : Pattern.compile(glob(member)), line);
    }

    /** A name with "*" standing for any characters. */
    private static String glob(String s) {
        return Arrays.stream(s.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*"));
    }

    /** This list with the given classes allowed too (and their nested classes). */
    AllowList with(List<String> classes) {
        List<Rule> more = new ArrayList<>(rules);
        for (String c : classes) {
            more.add(rule(c));
        }
        return new AllowList(more);
    }

    /** Whether code may use {@code member} of {@code owner} ({@code member} null: the type itself). */
    boolean allows(String owner, String member) {
        boolean allowed = false;
        for (Rule r : rules) {
            if (r.matches(owner, member)) {
                allowed = r.allow();
            }
        }
        return allowed;
    }

    /**
     * What the scanned classes use that this list does not allow: one line per use, naming where it is in the
     * notebook ({@code where} turns a line of the generated file into "line 4" or a helper's cell and line).
     */
    List<String> violations(Uses.Scan scan, IntFunction<String> where) {
        TreeSet<String> found = new TreeSet<>(OffLimits.BY_LINE);
        for (Uses.Use u : scan.uses()) {
            String owner = scan.declaringOwner(u.owner(), u.member());
            if (!allows(owner, u.member())) {
                found.add(new Uses.Use(u.line(), owner, u.member(), u.how()).said(where));
            }
        }
        return new ArrayList<>(found);
    }
}
