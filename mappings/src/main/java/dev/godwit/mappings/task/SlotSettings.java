package dev.godwit.mappings.task;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How much WAL the task's replication slot may hold back on the source, what godwit does when it holds more
 * ({@code settings.slot}; see docs/cdc.md, "Slot governor"), and whether the slot follows a failover of the source to
 * a physical standby (docs/operating.md, "Sources with a standby").
 *
 * @param maxRetainedWal the budget in bytes; empty: no budget of the task's own (the server's
 *                       {@code max_slot_wal_keep_size} is still watched)
 * @param onBudget       what godwit does once the slot retains more than the budget
 * @param failover       the slot is created with {@code failover = true} (PostgreSQL 17+), so that standbys running
 *                       {@code sync_replication_slots} keep a copy of it that a promoted standby can stream from
 */
public record SlotSettings(OptionalLong maxRetainedWal, OnBudget onBudget, boolean failover) {

    public static SlotSettings defaults() {
        return new SlotSettings(OptionalLong.empty(), OnBudget.WARN, false);
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
