package dev.godwit.mappings.task;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What godwit does when a row cannot be copied or a change cannot be applied. */
public enum ErrorPolicy {
    /** Stop the task (the default: a migration that skips rows is not a migration). */
    STOP("stop"),
    /** Record the row or change in the control schema's exception table and go on. */
    LOG_AND_CONTINUE("log-and-continue");

    private final String spelling;

    ErrorPolicy(String spelling) {
        this.spelling = spelling;
    }

    public String spelling() {
        return spelling;
    }

    public static Optional<ErrorPolicy> parse(String text) {
        return Arrays.stream(values()).filter(p -> p.spelling.equals(text.trim())).findFirst();
    }

    public static List<String> spellings() {
        return Arrays.stream(values()).map(ErrorPolicy::spelling).toList();
    }
}
