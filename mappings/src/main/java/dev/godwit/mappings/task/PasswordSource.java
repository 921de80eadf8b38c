package dev.godwit.mappings.task;

import java.nio.file.Path;

/**
 * Where an endpoint's password comes from. Resolution happens when connecting, not when the task file is read, so a
 * task file can be checked on a machine that holds no secrets. No {@code toString()} shows a secret.
 */
public sealed interface PasswordSource {

    /** libpq's own sources: {@code PGPASSWORD}, then {@code ~/.pgpass} (or {@code PGPASSFILE}). */
    record None() implements PasswordSource {
        @Override
        public String toString() {
            return "none (PGPASSWORD or .pgpass)";
        }
    }

    /** {@code ${env:NAME}}. */
    record FromEnvironment(String variable) implements PasswordSource {
        @Override
        public String toString() {
            return "${env:" + variable + "}";
        }
    }

    /** {@code passwordCommand}: a shell command whose first output line is the password. */
    record FromCommand(String command) implements PasswordSource {
        @Override
        public String toString() {
            return "passwordCommand: " + command;
        }
    }

    /** {@code ${file:/path}}: the file's first line (path resolved against the task file's directory). */
    record FromFile(Path file) implements PasswordSource {
        @Override
        public String toString() {
            return "${file:" + file + "}";
        }
    }

    /** A password written into the task file or URL. */
    record Literal(String secret) implements PasswordSource {
        @Override
        public String toString() {
            return "literal password (hidden)";
        }
    }
}
