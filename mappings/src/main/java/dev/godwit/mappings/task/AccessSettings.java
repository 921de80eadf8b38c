package dev.godwit.mappings.task;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Who owns the objects godwit creates on the target, and who may use them.
 *
 * @param privileges whether the source's grants (and ALTER DEFAULT PRIVILEGES) are carried
 * @param ownership  whether each object is owned as on the source, or by the task's target user
 */
public record AccessSettings(Privileges privileges, Ownership ownership) {

    /**
     * Grants are kept, owners are not: keeping an owner needs the target user to be able to act as every owning role
     * (in practice a superuser), while godwit is meant to run as a least-privilege role.
     */
    public static AccessSettings defaults() {
        return new AccessSettings(Privileges.KEEP, Ownership.TASK_USER);
    }

    /** {@code settings.privileges}. */
    public enum Privileges {
        /** every grant and revoke of the source, column-level ones and default privileges included */
        KEEP,
        /** none: each object has the privileges CREATE gives it */
        NONE;

        public static Optional<Privileges> parse(String text) {
            return parseEnum(values(), text);
        }

        public static List<String> spellings() {
            return spellingsOf(values());
        }
    }

    /** {@code settings.ownership}. */
    public enum Ownership {
        /** {@code ALTER … OWNER TO} the source's owner */
        KEEP,
        /** the task's target user, who creates them, owns them */
        TASK_USER;

        public static Optional<Ownership> parse(String text) {
            return parseEnum(values(), text);
        }

        public static List<String> spellings() {
            return spellingsOf(values());
        }
    }

    /** The spelling in task files: lower case, words joined by hyphens ({@code task-user}). */
    public static String spelling(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static <E extends Enum<E>> Optional<E> parseEnum(E[] values, String text) {
        String normalised = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return Arrays.stream(values).filter(v -> spelling(v).equals(normalised)).findFirst();
    }

    private static <E extends Enum<E>> List<String> spellingsOf(E[] values) {
        return Arrays.stream(values).map(AccessSettings::spelling).toList();
    }
}
