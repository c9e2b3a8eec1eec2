package rnnkit.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What an off-limits rule covers: a class rule its nested classes too, a method rule that method of that class only. */
class OffLimitsTest {

    @Test
    void aClassRuleCoversEveryMemberAndNestedClass() {
        List<String> rules = List.of("rnnkit.layers.Rnn");
        assertEquals("rnnkit.layers.Rnn", OffLimits.rule(rules, "rnnkit/layers/Rnn", "stepForward"));
        assertEquals("rnnkit.layers.Rnn", OffLimits.rule(rules, "rnnkit/layers/Rnn$StepGradients", "<init>"));
        assertEquals("rnnkit.layers.Rnn", OffLimits.rule(rules, "rnnkit/layers/Rnn", null));
        assertNull(OffLimits.rule(rules, "rnnkit/layers/RnnClassifier", "scores"), "a prefix of a name is another class");
    }

    @Test
    void aMethodRuleCoversThatMethodOfThatClassOnly() {
        List<String> rules = List.of("rnnkit.layers.Rnn#stepBackward", "rnnkit.layers.Rnn#<init>");
        assertEquals("rnnkit.layers.Rnn.stepBackward", OffLimits.rule(rules, "rnnkit/layers/Rnn", "stepBackward"));
        assertEquals("new rnnkit.layers.Rnn(...)", OffLimits.rule(rules, "rnnkit/layers/Rnn", "<init>"));
        assertNull(OffLimits.rule(rules, "rnnkit/layers/Rnn", "stepForward"));
        assertNull(OffLimits.rule(rules, "rnnkit/layers/Rnn", null), "naming the type is fine");
        assertNull(OffLimits.rule(rules, "rnnkit/layers/Rnn$StepGradients", "<init>"), "the record the exercise returns is fine");
    }

    @Test
    void malformedRulesAreRejectedWithTheReason() {
        assertNull(OffLimits.invalid("rnnkit.layers.Rnn#stepForward"));
        assertNotNull(OffLimits.invalid("Rnn"));
        assertNotNull(OffLimits.invalid("rnnkit.layers.Rnn#"));
        assertNotNull(OffLimits.invalid("rnnkit.layers.Rnn.stepForward()"));
    }
}
