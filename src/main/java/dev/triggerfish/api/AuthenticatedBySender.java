package dev.triggerfish.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A resource method that needs no API key because it proves its caller itself (an inbound webhook,
 * by its source's signature). Its path must also be permitted in {@code quarkus.http.auth.permission}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AuthenticatedBySender {
}
