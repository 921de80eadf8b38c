package dev.godwit.mappings.task;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the human-written values of settings: sizes, durations, LSNs, names. */
public final class TextValues {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|mb|gb|tb)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|sec|min|m|h)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern LSN = Pattern.compile("([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})");
    private static final Pattern CHECKPOINT = Pattern.compile("checkpoint:V1#[^#]*#([0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8})#.*");
    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");

    private TextValues() {
    }

    /** {@code 1GB}, {@code 512MB}, {@code 64kB}, or bytes; units are binary (1kB = 1024 bytes) as in PostgreSQL. */
    public static OptionalLong bytes(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        int shift = switch (m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT)) {
            case "kb" -> 10;
            case "mb" -> 20;
            case "gb" -> 30;
            case "tb" -> 40;
            default -> 0;
        };
        try {
            long value = Long.parseLong(m.group(1));
            if (value > (Long.MAX_VALUE >> shift)) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(value << shift);
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** {@code 10s}, {@code 500ms}, {@code 5min}, {@code 1h}, a number of seconds, or ISO-8601 ({@code PT10S}). */
    public static Optional<Duration> duration(String text) {
        String trimmed = text.trim();
        if (trimmed.toUpperCase(Locale.ROOT).startsWith("PT")) {
            try {
                return Optional.of(Duration.parse(trimmed));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        Matcher m = DURATION.matcher(trimmed);
        if (!m.matches()) {
            return Optional.empty();
        }
        long value = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT)) {
            case "ms" -> Duration.ofMillis(value);
            case "min", "m" -> Duration.ofMinutes(value);
            case "h" -> Duration.ofHours(value);
            default -> Duration.ofSeconds(value);
        });
    }

    /**
     * An LSN in PostgreSQL's text form, normalised ({@code 0/16B3748}); a DMS checkpoint string
     * ({@code checkpoint:V1#1#000004AF/B00000D0#0#…}) gives its LSN field.
     */
    public static Optional<String> lsn(String text) {
        String trimmed = text.trim();
        Matcher checkpoint = CHECKPOINT.matcher(trimmed);
        if (checkpoint.matches()) {
            trimmed = checkpoint.group(1);
        }
        Matcher m = LSN.matcher(trimmed);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(Long.toHexString(Long.parseLong(m.group(1), 16)).toUpperCase(Locale.ROOT) + "/"
                + Long.toHexString(Long.parseLong(m.group(2), 16)).toUpperCase(Locale.ROOT));
    }

    /** Replication slot names: lower-case letters, digits and underscores, at most 63. */
    public static boolean validSlotName(String name) {
        return SLOT_NAME.matcher(name).matches();
    }
}
