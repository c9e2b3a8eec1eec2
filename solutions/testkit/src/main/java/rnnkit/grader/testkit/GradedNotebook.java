package rnnkit.grader.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a hidden test class as the tests of one notebook, named like its file without ".ipynb" ("00-tour"). */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface GradedNotebook {
    String value();
}
