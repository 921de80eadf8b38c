package dev.godwit.mappings.task;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What a task does: copy, stream changes, or both. The spellings are DMS's {@code MigrationType} values. */
public enum MigrationType {
    FULL_LOAD("full-load"), CDC("cdc"), FULL_LOAD_AND_CDC("full-load-and-cdc");

    private final String spelling;

    MigrationType(String spelling) {
        this.spelling = spelling;
    }

    /** The task-file and DMS spelling. */
    public String spelling() {
        return spelling;
    }

    public boolean hasFullLoad() {
        return this != CDC;
    }

    public boolean hasCdc() {
        return this != FULL_LOAD;
    }

    /** Accepts {@code full-load}, {@code cdc}, {@code full-load-and-cdc}, in any case, with - or _. */
    public static Optional<MigrationType> parse(String text) {
        String normalised = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return Arrays.stream(values()).filter(t -> t.spelling.equals(normalised)).findFirst();
    }

    public static List<String> spellings() {
        return Arrays.stream(values()).map(MigrationType::spelling).toList();
    }

    @Override
    public String toString() {
        return spelling;
    }
}
