package dev.godwit.mappings.task;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What happens to an existing target table before its full load (DMS {@code FullLoadSettings.TargetTablePrepMode}). */
public enum TargetTablePrepMode {
    /** Drop the table if it exists and create it from the mapped definition. */
    DROP_AND_CREATE,
    /** Keep the table definition, empty it first; create it if missing. */
    TRUNCATE_BEFORE_LOAD,
    /** Create nothing: the user made the target schema (e.g. with pg_dump --schema-only); godwit checks that every mapped table and column exists with a compatible type. */
    DO_NOTHING;

    /** Accepts the DMS spelling and lower-case or hyphenated forms ({@code drop-and-create}). */
    public static Optional<TargetTablePrepMode> parse(String text) {
        String normalised = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        return Arrays.stream(values()).filter(m -> m.name().equals(normalised)).findFirst();
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Enum::name).toList();
    }
}
