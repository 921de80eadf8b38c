package dev.godwit.orchestrator.metrics;

import dev.godwit.orchestrator.cdc.CdcStatus;
import dev.godwit.orchestrator.cutover.CutoverLedger;
import dev.godwit.orchestrator.state.CutoverState;
import dev.godwit.orchestrator.state.Phase;
import dev.godwit.workers.cdc.stream.SlotInspector;
import dev.godwit.workers.pg.Lsn;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * godwit's own meters (every name documented in docs/monitoring.md), all reading the latest {@link TaskReading}: a
 * scrape never queries a database, and a value nobody knows yet is NaN rather than a misleading zero. Labels take only
 * bounded values: phases, slot and cutover states, validation results, and the task's own tables.
 */
final class TaskGauges {
    /** wal_status as PostgreSQL spells it, plus {@code missing} for a slot the source no longer has. */
    static final List<String> WAL_STATUSES = List.of("reserved", "extended", "unreserved", "lost", "unknown", "missing");
    static final List<String> VALIDATION_RESULTS = List.of("equal", "rows", "content", "missing");
    static final List<String> EVENT_LEVELS = List.of("warn", "error");

    private final AtomicReference<TaskReading> current;
    private volatile OptionalDouble eta = OptionalDouble.empty();
    private final LoadEta loadEta = new LoadEta();
    private final MultiGauge tableRows;
    private final MultiGauge tableBytes;
    private final MultiGauge unitsDone;
    private final MultiGauge units;
    private final Counter pollFailures;

    TaskGauges(MeterRegistry registry, TaskReading initial) {
        current = new AtomicReference<>(initial);
        for (Phase p : Phase.values()) {
            Gauge.builder("godwit.phase", this, g -> g.reading().phase().filter(p::equals).isPresent() ? 1 : 0)
                    .tag("phase", p.name().toLowerCase(Locale.ROOT))
                    .description("1 for the task's current phase, 0 for the others").register(registry);
        }
        tableRows = MultiGauge.builder("godwit.full.load.rows")
                .description("rows copied into the target table by the full load (and reloads)").register(registry);
        tableBytes = MultiGauge.builder("godwit.full.load.copied").baseUnit("bytes")
                .description("COPY bytes written into the target table by the full load").register(registry);
        unitsDone = MultiGauge.builder("godwit.full.load.units.done")
                .description("copy units of the table that are committed").register(registry);
        units = MultiGauge.builder("godwit.full.load.units")
                .description("copy units of the table in the plan").register(registry);
        gauge(registry, "godwit.full.load.eta.seconds", "seconds", "estimated time until every unit is copied",
                g -> g.eta.orElse(Double.NaN));

        gauge(registry, "godwit.cdc.applied.lsn.bytes", "bytes", "commit end LSN of the last source transaction the"
                + " target committed (the checkpoint), as a byte position", g -> lsn(g.cdc().flatMap(CdcStatus::checkpoint)));
        gauge(registry, "godwit.cdc.received.lsn.bytes", "bytes", "last LSN the applier had received at its latest"
                + " progress line", g -> lsn(g.reading().received()));
        gauge(registry, "godwit.cdc.confirmed.lsn.bytes", "bytes", "confirmed_flush_lsn of the slot on the source",
                g -> g.slot().map(s -> lsn(Optional.of(s.confirmedFlushLsn()))).orElse(Double.NaN));
        gauge(registry, "godwit.source.wal.lsn.bytes", "bytes", "the source's current WAL position",
                g -> lsn(g.cdc().flatMap(CdcStatus::sourcePosition)));
        gauge(registry, "godwit.cdc.lag.bytes", "bytes", "WAL between the checkpoint and the source's position",
                g -> g.cdc().flatMap(CdcStatus::lagBytes).map(Long::doubleValue).orElse(Double.NaN));
        gauge(registry, "godwit.cdc.lag.seconds", "seconds", "0 when caught up, else the age of the last applied"
                + " source commit", g -> g.cdc().flatMap(CdcStatus::lagSeconds).map(Long::doubleValue).orElse(Double.NaN));
        gauge(registry, "godwit.cdc.transactions.per.second", null, "source transactions applied per second at the"
                + " applier's latest progress line", g -> g.cdc().flatMap(CdcStatus::transactionsPerSecond).orElse(Double.NaN));
        gauge(registry, "godwit.cdc.changes.per.second", null, "row changes applied per second at the applier's"
                + " latest progress line", g -> g.cdc().flatMap(CdcStatus::changesPerSecond).orElse(Double.NaN));
        FunctionCounter.builder("godwit.cdc.apply.exceptions", this, g -> g.cdc().map(CdcStatus::exceptions).orElse(0L))
                .description("changes recorded in apply_exception (errorPolicy log-and-continue)").register(registry);

        gauge(registry, "godwit.slot.retained.wal.bytes", "bytes", "WAL the slot holds back on the source",
                g -> g.slot().map(s -> (double) s.retainedBytes()).orElse(Double.NaN));
        gauge(registry, "godwit.slot.safe.wal.size.bytes", "bytes", "WAL the source can still write before the slot is"
                + " lost (safe_wal_size; absent without max_slot_wal_keep_size)",
                g -> g.reading().safeWalSize().isPresent() ? g.reading().safeWalSize().getAsLong() : Double.NaN);
        gauge(registry, "godwit.slot.active", null, "1 while a walsender streams from the slot",
                g -> g.slot().map(s -> s.active() ? 1.0 : 0.0).orElse(Double.NaN));
        for (String status : WAL_STATUSES) {
            Gauge.builder("godwit.slot.wal.status", this, g -> status.equals(g.walStatus().orElse(null)) ? 1 : 0)
                    .tag("status", status).description("1 for the slot's wal_status").register(registry);
        }

        for (String result : VALIDATION_RESULTS) {
            Gauge.builder("godwit.validation.chunks", this, g -> g.reading().validationChunks().getOrDefault(result, 0L))
                    .tag("result", result).description("chunks of the latest finished validation by result")
                    .register(registry);
        }
        gauge(registry, "godwit.validation.differences", null, "differing chunks of the latest finished validation",
                g -> g.reading().validationDifferences().isPresent() ? g.reading().validationDifferences().getAsLong()
                        : Double.NaN);
        gauge(registry, "godwit.validation.finished.timestamp.seconds", "seconds", "when the latest finished validation"
                + " finished", g -> g.reading().validationFinished().map(i -> i.toEpochMilli() / 1000.0).orElse(Double.NaN));
        for (CutoverState state : CutoverState.values()) {
            Gauge.builder("godwit.cutover.state", this, g -> g.reading().cutover().map(CutoverLedger.Entry::state)
                            .filter(state::equals).isPresent() ? 1 : 0)
                    .tag("state", state.stored()).description("1 for the state of the latest cutover request")
                    .register(registry);
        }
        gauge(registry, "godwit.cutover.fenced.seconds", "seconds", "how long the latest cutover's fence has stopped"
                + " the source's writes: until the cutover ended, or until now while it runs; absent without a fence",
                g -> g.reading().cutover().flatMap(CutoverLedger.Entry::fenced).map(d -> d.toMillis() / 1000.0)
                        .orElse(Double.NaN));
        gauge(registry, "godwit.source.snapshot.age.seconds", "seconds", "age of the oldest snapshot godwit holds open"
                + " on the source (vacuum keeps the rows deleted after it); 0 when none",
                g -> g.reading().snapshotAgeSeconds().orElse(Double.NaN));
        // every level and phase from the start, at 0, so that the first error of a kind is an increase to alert on
        for (String level : EVENT_LEVELS) {
            for (EventPhase phase : EventPhase.values()) {
                EventPhase.Key key = new EventPhase.Key(level, phase);
                FunctionCounter.builder("godwit.events", this, g -> g.reading().events().getOrDefault(key, 0L))
                        .tags("level", level, "phase", phase.label())
                        .description("warnings and errors the task recorded, by phase (status shows them)")
                        .register(registry);
            }
        }
        gauge(registry, "godwit.metrics.poll.timestamp.seconds", "seconds", "when the values were last read",
                g -> g.reading().at().toEpochMilli() / 1000.0);
        pollFailures = Counter.builder("godwit.metrics.poll.failures")
                .description("readings of the control schema or the source that failed").register(registry);
    }

    /** Takes a new reading; the meters show it from the next scrape on. */
    void update(TaskReading reading) {
        eta = loadEta.seconds(reading.phase().filter(Phase.FULL_LOAD::equals).isPresent(), reading.at(),
                reading.estimatedBytesDone(), reading.estimatedBytesPending());
        current.set(reading);
        tableRows.register(rows(reading, TaskReading.TableLoad::rows), true);
        tableBytes.register(rows(reading, TaskReading.TableLoad::bytes), true);
        unitsDone.register(rows(reading, TaskReading.TableLoad::unitsDone), true);
        units.register(rows(reading, TaskReading.TableLoad::units), true);
    }

    void pollFailed() {
        pollFailures.increment();
    }

    private static List<MultiGauge.Row<?>> rows(TaskReading reading, ToDoubleFunction<TaskReading.TableLoad> value) {
        return reading.tables().stream()
                .<MultiGauge.Row<?>>map(t -> MultiGauge.Row.of(Tags.of("table", t.table()), value.applyAsDouble(t)))
                .toList();
    }

    /** @param unit the base unit, already the name's last word so that the registry appends nothing */
    private void gauge(MeterRegistry registry, String name, String unit, String description,
                       ToDoubleFunction<TaskGauges> value) {
        Gauge.builder(name, this, value).baseUnit(unit).description(description).register(registry);
    }

    private TaskReading reading() {
        return current.get();
    }

    private Optional<CdcStatus> cdc() {
        return reading().cdc();
    }

    private Optional<SlotInspector.SlotState> slot() {
        return cdc().flatMap(CdcStatus::slot);
    }

    /** Read only where the source was reached: a slot it does not have is {@code missing}. */
    private Optional<String> walStatus() {
        return cdc().filter(c -> c.sourcePosition().isPresent())
                .map(c -> c.slot().map(SlotInspector.SlotState::walStatus).orElse("missing"));
    }

    private static double lsn(Optional<Lsn> lsn) {
        return lsn.filter(Lsn::isValid).map(l -> (double) l.value()).orElse(Double.NaN);
    }
}
