package rnnkit.grader;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * The library code an exercise asks students to write themselves: an exercise that builds {@code rnnStepForward}
 * earns nothing by calling {@code Rnn.stepForward}. The rules come from the solution notebook's exercise cell,
 * {@code metadata.rnnkit.off_limits}: {@code "rnnkit.layers.Rnn"} (the whole class) or
 * {@code "rnnkit.layers.Rnn#stepForward"} (one method, every overload).
 *
 * <p>The check reads the compiled bytecode of the student's cell (calls, constructor calls, field reads, method
 * references, class literals), so imports, static imports and fully qualified names all count the same. Reflection
 * and method handles, the ways around them, are refused for every exercise by {@link AllowList}.
 */
final class OffLimits {

    private static final Pattern RULE = Pattern.compile("[a-z_][\\w]*(\\.[a-z_][\\w]*)*\\.[A-Z][\\w$]*(#[\\w$<>]+)?");

    private OffLimits() {
    }

    /** The rule's error, or null if it is well formed. */
    static String invalid(String rule) {
        return RULE.matcher(rule).matches() ? null
                : "'" + rule + "' is not a rule: write a class (rnnkit.layers.Rnn) or a method (rnnkit.layers.Rnn#stepForward)";
    }

    /** Violation lines ("line 4: ...") in the order of their lines. */
    static final Comparator<String> BY_LINE = Comparator.comparingInt(OffLimits::lineOf).thenComparing(Comparator.naturalOrder());

    /**
     * What the scanned classes use that the rules forbid: one line per use, naming where it is in the notebook
     * ({@code where} turns a line of the generated file into "line 4" or a helper's cell and line).
     */
    static List<String> violations(Uses.Scan scan, List<String> rules, IntFunction<String> where) {
        if (rules.isEmpty()) {
            return List.of();
        }
        TreeSet<String> found = new TreeSet<>(BY_LINE);
        for (Uses.Use u : scan.uses()) {
            String r = rule(rules, u.owner(), u.member());
            if (r != null) {
                found.add(u.said(where) + " (off limits here: " + r + ")");
            }
        }
        return new ArrayList<>(found);
    }

    private static int lineOf(String violation) {
        int space = violation.indexOf(':');
        try {
            return Integer.parseInt(violation.substring("line ".length(), space));
        } catch (RuntimeException e) {
            return Integer.MAX_VALUE;
        }
    }

    /** The rule that forbids a use of {@code owner.name} (name null: a use of the type), described, or null. */
    static String rule(List<String> rules, String owner, String name) {
        String cls = owner.replace('/', '.');
        for (String r : rules) {
            int hash = r.indexOf('#');
            String ruleClass = hash < 0 ? r : r.substring(0, hash);
            boolean sameClass = cls.equals(ruleClass) || cls.startsWith(ruleClass + "$");   // a class rule covers its nested classes
            if (sameClass && hash < 0) {
                return ruleClass;
            }
            if (cls.equals(ruleClass) && r.substring(hash + 1).equals(name)) {   // a method rule: not nested classes
                return name.equals("<init>") ? "new " + ruleClass + "(...)" : ruleClass + "." + name;
            }
        }
        return null;
    }
}
