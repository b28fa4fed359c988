package dev.triggerfish;

import java.nio.file.Path;
import java.util.Optional;

/** Where Triggerfish keeps its own files: {@code triggerfish.data-dir}, by default {@code ~/.triggerfish}. */
public final class DataDirectory {
    private DataDirectory() {
    }

    /** The configured directory, or {@code <user.home>/.triggerfish} when none is (a placeholder is never taken literally). */
    public static Path of(Optional<String> configured) {
        return configured.filter(d -> !d.isBlank())
                .map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("user.home"), ".triggerfish"));
    }
}
