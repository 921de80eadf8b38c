package dev.godwit.mappings.task;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How much WAL the task's replication slot may hold back on the source, and what godwit does when it holds more
 * ({@code settings.slot}; see docs/cdc.md, "Slot governor").
 *
 * @param maxRetainedWal the budget in bytes; empty: no budget of the task's own (the server's
 *                       {@code max_slot_wal_keep_size} is still watched)
 * @param onBudget       what godwit does once the slot retains more than the budget
 */
public record SlotSettings(OptionalLong maxRetainedWal, OnBudget onBudget) {

    public static SlotSettings defaults() {
        return new SlotSettings(OptionalLong.empty(), OnBudget.WARN);
    }

    /** {@code settings.slot.onBudget}. */
    public enum OnBudget {
        /** an event and a log line; the task goes on */
        WARN,
        /** the full load takes no new unit until the slot retains less than the budget again */
        PAUSE_LOAD,
        /** the run ends and the slot is dropped, so the source keeps no more WAL for it; the target is loaded again */
        STOP;

        public static Optional<OnBudget> parse(String text) {
            String normalised = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            return Arrays.stream(values()).filter(v -> v.spelling().equals(normalised)).findFirst();
        }

        public static List<String> spellings() {
            return Arrays.stream(values()).map(OnBudget::spelling).toList();
        }

        /** As written in task files: {@code pause-load}. */
        public String spelling() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }
}
