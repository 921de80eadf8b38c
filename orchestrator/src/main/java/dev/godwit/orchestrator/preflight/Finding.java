package dev.godwit.orchestrator.preflight;

import java.util.Objects;

/**
 * One thing preflight found.
 *
 * @param check   a stable id such as {@code source.wal_level}; docs/preflight.md lists them all
 * @param object  the setting, table, role or database concerned
 * @param problem what is wrong, in one or two sentences
 * @param fix     the SQL to run or the setting to change (with the RDS/Aurora variant where it differs)
 */
public record Finding(Severity severity, String check, String object, String problem, String fix) {
    public Finding {
        Objects.requireNonNull(severity);
        Objects.requireNonNull(check);
        Objects.requireNonNull(object);
        Objects.requireNonNull(problem);
        Objects.requireNonNull(fix);
    }

    public static Finding blocker(String check, String object, String problem, String fix) {
        return new Finding(Severity.BLOCKER, check, object, problem, fix);
    }

    public static Finding warning(String check, String object, String problem, String fix) {
        return new Finding(Severity.WARNING, check, object, problem, fix);
    }

    public boolean isBlocker() {
        return severity == Severity.BLOCKER;
    }
}
