package rnnkit.grader.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Ties a hidden test to one exercise (its nbgrader {@code grade_id}) and gives it a share of the exercise's
 * points: an exercise's score is its points times the weight of its passing tests over the weight of all of them.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Graded {
    String id();

    double weight() default 1;
}
