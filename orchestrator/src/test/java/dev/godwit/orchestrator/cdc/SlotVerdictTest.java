package dev.godwit.orchestrator.cdc;

import dev.godwit.mappings.task.SlotSettings;
import dev.godwit.orchestrator.cdc.SlotVerdict.Level;
import dev.godwit.workers.cdc.stream.SlotInspector.SlotState;
import dev.godwit.workers.pg.Lsn;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlotVerdictTest {
    private static final long MB = 1L << 20;
    private static final SlotSettings BUDGET_100MB = new SlotSettings(OptionalLong.of(100 * MB), SlotSettings.OnBudget.STOP, false);
    private static final SlotSettings NO_BUDGET = SlotSettings.defaults();

    private static Optional<SlotState> slot(String walStatus, long retained, OptionalLong safe) {
        return Optional.of(new SlotState(true, true, Lsn.parse("0/1000000"), Lsn.parse("0/1000000"), walStatus,
                retained, safe, "lost".equals(walStatus) ? Optional.of("wal_removed") : Optional.empty()));
    }

    private static SlotVerdict judge(Optional<SlotState> slot, OptionalLong maxKeep, SlotSettings settings) {
        return SlotVerdict.of("godwit_t", slot, maxKeep, settings);
    }

    @Test
    void aSlotUnderEveryThresholdIsHealthy() {
        assertEquals(Level.HEALTHY, judge(slot("reserved", 79 * MB, OptionalLong.empty()), OptionalLong.empty(),
                BUDGET_100MB).level());
        assertEquals(Level.HEALTHY, judge(slot("reserved", 10 * MB, OptionalLong.of(900 * MB)),
                OptionalLong.of(1000 * MB), NO_BUDGET).level());
    }

    @Test
    void eightyPercentOfTheBudgetWarnsAndMoreThanAllOfItIsOverBudget() {
        SlotVerdict warning = judge(slot("reserved", 80 * MB, OptionalLong.empty()), OptionalLong.empty(), BUDGET_100MB);
        assertEquals(Level.WARNING, warning.level());
        assertEquals("replication slot godwit_t retains 80 MB of WAL, 80% of the task's budget of 100 MB"
                + " (settings.slot.maxRetainedWal, onBudget: stop)", warning.why());
        assertEquals(Level.WARNING, judge(slot("reserved", 100 * MB, OptionalLong.empty()), OptionalLong.empty(),
                BUDGET_100MB).level(), "the budget itself is still within it");
        SlotVerdict over = judge(slot("reserved", 100 * MB + 1, OptionalLong.empty()), OptionalLong.empty(), BUDGET_100MB);
        assertEquals(Level.OVER_BUDGET, over.level());
        assertTrue(over.why().contains("more than the task's budget of 100 MB"), over.why());
    }

    @Test
    void safeWalSizeUnderTwentyPercentOfMaxSlotWalKeepSizeWarns() {
        assertEquals(Level.HEALTHY, judge(slot("extended", 790 * MB, OptionalLong.of(210 * MB)),
                OptionalLong.of(1000 * MB), NO_BUDGET).level());
        SlotVerdict low = judge(slot("extended", 810 * MB, OptionalLong.of(190 * MB)), OptionalLong.of(1000 * MB),
                NO_BUDGET);
        assertEquals(Level.WARNING, low.level());
        assertTrue(low.why().contains("invalidates it after 190 MB more (safe_wal_size, under 20% of"
                + " max_slot_wal_keep_size = 1000 MB)"), low.why());
        assertEquals(Level.WARNING, judge(slot("unreserved", 1100 * MB, OptionalLong.of(-100 * MB)),
                OptionalLong.of(1000 * MB), NO_BUDGET).level());
    }

    @Test
    void anInvalidatedOrMissingSlotIsLostWhateverTheBudget() {
        SlotVerdict lost = judge(slot("lost", 0, OptionalLong.empty()), OptionalLong.of(64 * MB), NO_BUDGET);
        assertEquals(Level.LOST, lost.level());
        assertEquals("replication slot godwit_t was invalidated by the source (wal_status lost: it retained more WAL"
                + " than max_slot_wal_keep_size = 64 MB allows)", lost.why());
        SlotVerdict idle = judge(Optional.of(new SlotState(true, false, Lsn.parse("0/1000000"), Lsn.parse("0/1000000"),
                "reserved", MB, OptionalLong.empty(), Optional.of("idle_timeout"))), OptionalLong.empty(), NO_BUDGET);
        assertEquals(Level.LOST, idle.level());
        assertEquals("replication slot godwit_t was invalidated by the source (invalidation_reason idle_timeout: unused"
                + " for longer than idle_replication_slot_timeout)", idle.why());
        SlotVerdict gone = judge(Optional.empty(), OptionalLong.empty(), BUDGET_100MB);
        assertEquals(Level.LOST, gone.level());
        assertTrue(gone.why().contains("no longer exists on the source"), gone.why());
    }
}
