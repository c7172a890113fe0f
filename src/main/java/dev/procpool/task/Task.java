package dev.procpool.task;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public method as a task a worker can run, under the target name {@link #value()}.
 * The method may be static, or an instance method of a public class with a public no-argument
 * constructor. Its parameters are bound from the call's JSON {@code args}/{@code kwargs} by name
 * and position (compile with {@code -parameters} so the names survive); a {@link TaskContext}
 * parameter is supplied by the worker and is not an argument. The return value is sent back as JSON.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Task {

    /** The target name clients use, e.g. {@code "count_primes"} or {@code "acme.resize"}. */
    String value();

    /** One line for {@code GET /api/tasks}. */
    String description() default "";
}
