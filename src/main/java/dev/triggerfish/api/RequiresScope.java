package dev.triggerfish.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The scope a resource method (or every method of a resource class) needs, when it is not the default:
 * {@code read} for GET and HEAD, {@code write} for every other method.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RequiresScope {
    Scope value();
}
