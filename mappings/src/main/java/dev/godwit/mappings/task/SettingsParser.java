package dev.godwit.mappings.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.godwit.mappings.dms.DmsTaskSettingsReader;
import dev.godwit.mappings.partition.PartitionSettings;
import dev.godwit.mappings.text.Suggestions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Reads the task file's {@code settings}: a map of godwit keys, the path of a DMS task-settings file, or a map with
 * both ({@code dmsTaskSettings: file.json} and DMS sections written inline). DMS values are translated to godwit keys
 * first and godwit's own keys are laid over them, so a godwit key always wins.
 */
final class SettingsParser {

    static final List<String> KEYS = List.of("parallelism", "controlSchema", "targetTablePrepMode", "splitThreshold",
            "allowLossyTypeChanges", "slotName", "publicationName", "cdc", "errorPolicy", "applyConflicts",
            "validation", "cutover", "partitions", "targetSchema", "failOnNoTablesCaptured", "privileges", "ownership",
            "slot", "metrics", "dmsTaskSettings");
    private static final List<String> CUTOVER_KEYS = List.of("maxLag", "catchUpTimeout", "keepReplication", "fenceSql",
            "unfenceSql", "validate", "notAfter", "withFallback");
    private static final List<String> CDC_KEYS = List.of("startPosition", "heartbeatInterval", "allowAdditiveDdl",
            "stopAt", "ddl", "applyParallelism", "streamInProgress");
    private static final List<String> VALIDATION_KEYS = List.of("enabled", "contentHash", "threadCount",
            "partitionSize", "failureMaxCount");
    private static final List<String> SLOT_KEYS = List.of("maxRetainedWal", "onBudget", "failover");
    private static final List<String> METRICS_KEYS = List.of("port", "interval");
    private static final List<String> CONFLICT_KEYS = List.of("insertExisting", "updateMissing", "deleteMissing");
    private static final int MAX_NAME = 63;

    private final Doc doc;
    private final Path baseDirectory;

    SettingsParser(Doc doc, Path baseDirectory) {
        this.doc = doc;
        this.baseDirectory = baseDirectory;
    }

    Settings parse(JsonNode node, String path, String taskName) {
        Settings defaults = Settings.defaults(taskName);
        if (Doc.absent(node)) {
            return defaults;
        }
        ObjectNode merged = JsonNodeFactory.instance.objectNode();
        ObjectNode own = JsonNodeFactory.instance.objectNode();
        ObjectNode inlineDms = JsonNodeFactory.instance.objectNode();
        List<String> ignored = new ArrayList<>();
        Optional<String> dmsFile = Optional.empty();
        if (node.isTextual()) {
            dmsFile = Optional.of(node.asText());
        } else if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String key = field.getKey();
                if (DmsTaskSettingsReader.SECTIONS.contains(key)) {
                    inlineDms.set(key, field.getValue());
                } else if (key.equals("dmsTaskSettings")) {
                    dmsFile = doc.text(field.getValue(), Doc.child(path, key));
                } else if (KEYS.contains(key)) {
                    own.set(key, field.getValue());
                } else {
                    doc.error(Doc.child(path, key), "unknown setting '" + key + "'" + Suggestions.didYouMean(key, KEYS)
                            + "; expected one of: " + Doc.oneOf(KEYS) + ", or a DMS task-settings section");
                }
            }
        } else {
            doc.error(path, "found " + Doc.describe(node) + "; expected a map of settings or the path of a DMS"
                    + " task-settings JSON file");
            return defaults;
        }
        DmsTaskSettingsReader dmsReader = new DmsTaskSettingsReader();
        dmsFile.ifPresent(file -> {
            Path resolved = baseDirectory.resolve(file);
            Doc dmsDoc = new Doc(resolved, doc.problems());
            Doc.parse(resolved, doc.problems()).ifPresent(root -> {
                DmsTaskSettingsReader.Translated translated = dmsReader.read(root, "", dmsDoc);
                deepMerge(merged, translated.settings());
                ignored.addAll(translated.ignoredKeys());
            });
        });
        if (!inlineDms.isEmpty()) {
            DmsTaskSettingsReader.Translated translated = dmsReader.read(inlineDms, path, doc);
            deepMerge(merged, translated.settings());
            ignored.addAll(translated.ignoredKeys());
        }
        deepMerge(merged, own);
        return read(merged, path, defaults, ignored);
    }

    private static void deepMerge(ObjectNode into, JsonNode from) {
        Iterator<Map.Entry<String, JsonNode>> fields = from.properties().iterator();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = into.get(field.getKey());
            if (existing instanceof ObjectNode target && field.getValue().isObject()) {
                deepMerge(target, field.getValue());
            } else {
                into.set(field.getKey(), field.getValue().deepCopy());
            }
        }
    }

    private Settings read(ObjectNode s, String path, Settings d, List<String> ignored) {
        int parallelism = (int) doc.integer(s.get("parallelism"), Doc.child(path, "parallelism"), 0, 1000)
                .orElse(d.parallelism());
        String controlSchema = name(s, path, "controlSchema").orElse(d.controlSchema());
        TargetTablePrepMode prepMode = doc.text(s.get("targetTablePrepMode"), Doc.child(path, "targetTablePrepMode"))
                .flatMap(text -> TargetTablePrepMode.parse(text).or(() -> {
                    doc.error(Doc.child(path, "targetTablePrepMode"), "unknown mode '" + text + "'; expected one of: "
                            + Doc.oneOf(TargetTablePrepMode.names()));
                    return Optional.empty();
                })).orElse(d.targetTablePrepMode());
        long splitThreshold = doc.text(s.get("splitThreshold"), Doc.child(path, "splitThreshold")).flatMap(text -> {
            OptionalLong bytes = TextValues.bytes(text);
            if (bytes.isEmpty() || bytes.getAsLong() == 0) {
                doc.error(Doc.child(path, "splitThreshold"), "found '" + text + "'; expected a size such as 1GB, 512MB"
                        + " or 64kB (binary units), greater than zero");
                return Optional.empty();
            }
            return Optional.of(bytes.getAsLong());
        }).orElse(d.splitThresholdBytes());
        boolean lossy = doc.bool(s.get("allowLossyTypeChanges"), Doc.child(path, "allowLossyTypeChanges"))
                .orElse(d.allowLossyTypeChanges());
        String slotName = doc.text(s.get("slotName"), Doc.child(path, "slotName")).filter(name -> {
            if (!TextValues.validSlotName(name)) {
                doc.error(Doc.child(path, "slotName"), "found '" + name + "'; slot names hold only lower-case letters,"
                        + " digits and underscores, at most 63");
                return false;
            }
            return true;
        }).orElse(d.slotName());
        String publicationName = name(s, path, "publicationName").orElse(d.publicationName());
        CdcSettings cdc = cdc(s.get("cdc"), Doc.child(path, "cdc"), d.cdc());
        ErrorPolicy errorPolicy = doc.text(s.get("errorPolicy"), Doc.child(path, "errorPolicy"))
                .flatMap(text -> ErrorPolicy.parse(text).or(() -> {
                    doc.error(Doc.child(path, "errorPolicy"), "unknown error policy '" + text + "'; expected one of: "
                            + Doc.oneOf(ErrorPolicy.spellings()));
                    return Optional.empty();
                })).orElse(d.errorPolicy());
        ApplyConflicts conflicts = conflicts(s.get("applyConflicts"), Doc.child(path, "applyConflicts"), d.applyConflicts());
        ValidationSettings validation = validation(s.get("validation"), Doc.child(path, "validation"), d.validation());
        CutoverSettings cutover = cutover(s.get("cutover"), Doc.child(path, "cutover"), d.cutover());
        PartitionSettings partitions = new PartitionSettingsParser(doc)
                .parse(s.get("partitions"), Doc.child(path, "partitions")).orElse(d.partitions());
        Optional<String> targetSchema = name(s, path, "targetSchema").or(d::targetSchema);
        boolean failOnNoTables = doc.bool(s.get("failOnNoTablesCaptured"), Doc.child(path, "failOnNoTablesCaptured"))
                .orElse(d.failOnNoTablesCaptured());
        AccessSettings access = new AccessSettings(
                doc.text(s.get("privileges"), Doc.child(path, "privileges")).flatMap(text -> AccessSettings.Privileges
                        .parse(text).or(() -> unknown(path, "privileges", text, AccessSettings.Privileges.spellings())))
                        .orElse(d.access().privileges()),
                doc.text(s.get("ownership"), Doc.child(path, "ownership")).flatMap(text -> AccessSettings.Ownership
                        .parse(text).or(() -> unknown(path, "ownership", text, AccessSettings.Ownership.spellings())))
                        .orElse(d.access().ownership()));
        MetricsSettings metrics = metrics(s.get("metrics"), Doc.child(path, "metrics"), d.metrics());
        SlotSettings slot = slot(s.get("slot"), Doc.child(path, "slot"), d.slot());
        return new Settings(parallelism, controlSchema, prepMode, splitThreshold, lossy, slotName, publicationName, cdc,
                errorPolicy, conflicts, validation, cutover, partitions, targetSchema, failOnNoTables, access, slot, metrics,
                ignored);
    }

    /** Reports a value that is not one of the allowed ones; empty, so the default stands while the error is shown. */
    private <T> Optional<T> unknown(String path, String key, String text, List<String> allowed) {
        doc.error(Doc.child(path, key), "unknown value '" + text + "'; expected one of: " + Doc.oneOf(allowed));
        return Optional.empty();
    }

    private Optional<String> name(JsonNode s, String path, String key) {
        return doc.text(s.get(key), Doc.child(path, key)).filter(name -> {
            if (name.isBlank() || name.length() > MAX_NAME) {
                doc.error(Doc.child(path, key), "found '" + name + "'; expected a name of 1 to 63 characters");
                return false;
            }
            return true;
        });
    }

    private SlotSettings slot(JsonNode node, String path, SlotSettings d) {
        if (doc.object(node, path).isEmpty()) {
            return d;
        }
        doc.checkKeys(node, path, SLOT_KEYS, "slot setting");
        String budgetPath = Doc.child(path, "maxRetainedWal");
        OptionalLong budget = doc.text(node.get("maxRetainedWal"), budgetPath).map(text -> {
            OptionalLong bytes = TextValues.bytes(text);
            if (bytes.isEmpty() || bytes.getAsLong() == 0) {
                doc.error(budgetPath, "found '" + text + "'; expected a size such as 50GB or 512MB (binary units),"
                        + " greater than zero");
                return d.maxRetainedWal();
            }
            return bytes;
        }).orElse(d.maxRetainedWal());
        SlotSettings.OnBudget onBudget = doc.text(node.get("onBudget"), Doc.child(path, "onBudget"))
                .flatMap(text -> SlotSettings.OnBudget.parse(text)
                        .or(() -> unknown(path, "onBudget", text, SlotSettings.OnBudget.spellings())))
                .orElse(d.onBudget());
        boolean failover = doc.bool(node.get("failover"), Doc.child(path, "failover")).orElse(d.failover());
        return new SlotSettings(budget, onBudget, failover);
    }

    private CdcSettings cdc(JsonNode node, String path, CdcSettings d) {
        if (doc.object(node, path).isEmpty()) {
            return d;
        }
        doc.checkKeys(node, path, CDC_KEYS, "cdc setting");
        Optional<String> start = doc.text(node.get("startPosition"), Doc.child(path, "startPosition")).flatMap(text -> {
            Optional<String> lsn = TextValues.lsn(text);
            if (lsn.isEmpty()) {
                doc.error(Doc.child(path, "startPosition"), "found '" + text + "'; expected an LSN such as 0/16B3748"
                        + " (or a DMS checkpoint:V1#… string)");
            }
            return lsn;
        });
        Duration heartbeat = doc.text(node.get("heartbeatInterval"), Doc.child(path, "heartbeatInterval")).flatMap(text -> {
            Optional<Duration> duration = TextValues.duration(text).filter(x -> !x.isZero());
            if (duration.isEmpty()) {
                doc.error(Doc.child(path, "heartbeatInterval"), "found '" + text + "'; expected a duration such as"
                        + " 10s, 500ms, 5min or 1h, greater than zero");
            }
            return duration;
        }).orElse(d.heartbeatInterval());
        DdlPolicy ddl = ddl(node.get("ddl"), Doc.child(path, "ddl"), d.ddl());
        Optional<Boolean> additive = doc.bool(node.get("allowAdditiveDdl"), Doc.child(path, "allowAdditiveDdl"));
        if (additive.isPresent()) {
            ddl = ddl.withAddColumn(additive.get() ? DdlPolicy.Action.APPLY : DdlPolicy.Action.STOP);
        }
        Optional<StopAt> stopAt = doc.text(node.get("stopAt"), Doc.child(path, "stopAt")).flatMap(text -> {
            Optional<StopAt> at = StopAt.parse(text, java.time.ZoneId.systemDefault());
            if (at.isEmpty()) {
                doc.error(Doc.child(path, "stopAt"), "found '" + text + "'; expected " + StopAt.EXPECTED);
            }
            return at;
        });
        OptionalLong lanes = doc.integer(node.get("applyParallelism"), Doc.child(path, "applyParallelism"), 1,
                CdcSettings.MAX_APPLY_PARALLELISM);
        boolean streamInProgress = doc.bool(node.get("streamInProgress"), Doc.child(path, "streamInProgress"))
                .orElse(d.streamInProgress());
        return new CdcSettings(start.or(d::startPosition), heartbeat, ddl, stopAt.or(d::stopAt),
                lanes.isPresent() ? (int) lanes.getAsLong() : d.applyParallelism(), streamInProgress);
    }

    private DdlPolicy ddl(JsonNode node, String path, DdlPolicy d) {
        if (doc.object(node, path).isEmpty()) {
            return d;
        }
        doc.checkKeys(node, path, DdlPolicy.KEYS, "cdc.ddl setting");
        return new DdlPolicy(action(node, path, "addColumn", true, d.addColumn()),
                action(node, path, "dropColumn", true, d.dropColumn()),
                action(node, path, "alterColumnType", false, d.alterColumnType()),
                action(node, path, "renameColumn", false, d.renameColumn()),
                action(node, path, "createTable", true, d.createTable()),
                indexAction(node, path, d.indexes()));
    }

    private DdlPolicy.Action indexAction(JsonNode node, String path, DdlPolicy.Action d) {
        String where = Doc.child(path, "indexes");
        return doc.text(node.get("indexes"), where).flatMap(text -> {
            Optional<DdlPolicy.Action> action = DdlPolicy.Action.of(text).filter(a -> a != DdlPolicy.Action.STOP);
            if (action.isEmpty()) {
                doc.error(where, "found '" + text + "'; expected apply or ignore");
            }
            return action;
        }).orElse(d);
    }

    private DdlPolicy.Action action(JsonNode node, String path, String key, boolean ignorable, DdlPolicy.Action d) {
        String where = Doc.child(path, key);
        return doc.text(node.get(key), where).flatMap(text -> {
            Optional<DdlPolicy.Action> action = DdlPolicy.Action.of(text)
                    .filter(a -> ignorable || a != DdlPolicy.Action.IGNORE);
            if (action.isEmpty()) {
                doc.error(where, "found '" + text + "'; expected " + (ignorable ? "apply, stop or ignore"
                        : "apply or stop (ignoring it would leave the target unable to take the changes that follow)"));
            }
            return action;
        }).orElse(d);
    }

    private CutoverSettings cutover(JsonNode node, String path, CutoverSettings d) {
        if (doc.object(node, path).isEmpty()) {
            return d;
        }
        doc.checkKeys(node, path, CUTOVER_KEYS, "cutover setting");
        Optional<String> fence = doc.text(node.get("fenceSql"), Doc.child(path, "fenceSql")).or(d::fenceSql);
        Optional<String> unfence = doc.text(node.get("unfenceSql"), Doc.child(path, "unfenceSql")).or(d::unfenceSql);
        if (unfence.isPresent() && fence.isEmpty()) {
            doc.error(Doc.child(path, "unfenceSql"), "unfenceSql undoes fenceSql; set fenceSql too, or remove unfenceSql");
        }
        return new CutoverSettings(
                duration(node, path, "maxLag").orElse(d.maxLag()),
                duration(node, path, "catchUpTimeout").orElse(d.catchUpTimeout()),
                doc.bool(node.get("keepReplication"), Doc.child(path, "keepReplication")).orElse(d.keepReplication()),
                fence, unfence,
                doc.bool(node.get("validate"), Doc.child(path, "validate")).orElse(d.validate()),
                notAfter(node, path).or(d::notAfter),
                doc.bool(node.get("withFallback"), Doc.child(path, "withFallback")).orElse(d.withFallback()));
    }

    /**
     * A duration after the scheduled time rather than a timestamp: the time itself is given on the command line
     * ({@code godwit cutover --at}) or by a cron expression, so only a duration applies to every schedule.
     */
    private Optional<Duration> notAfter(JsonNode node, String path) {
        String where = Doc.child(path, "notAfter");
        return doc.text(node.get("notAfter"), where).flatMap(text -> {
            Optional<Duration> window = TextValues.duration(text);
            if (window.isEmpty()) {
                doc.error(where, "found '" + text + "'; expected how long after the scheduled time (of 'godwit cutover"
                        + " --at' or --cron) a late cutover may still fire: a duration such as 30min or 2h, not a time");
            } else if (window.get().compareTo(CutoverSettings.SHORTEST_NOT_AFTER) < 0) {
                doc.error(where, "found '" + text + "'; it must be at least 1min after the scheduled time (a firing"
                        + " in a running process may itself come a few seconds late)");
                return Optional.<Duration>empty();
            }
            return window;
        });
    }

    private Optional<Duration> duration(JsonNode node, String path, String key) {
        return doc.text(node.get(key), Doc.child(path, key)).flatMap(text -> {
            Optional<Duration> duration = TextValues.duration(text).filter(x -> !x.isZero());
            if (duration.isEmpty()) {
                doc.error(Doc.child(path, key), "found '" + text + "'; expected a duration such as 10s, 500ms, 5min"
                        + " or 1h, greater than zero");
            }
            return duration;
        });
    }

    private ApplyConflicts conflicts(JsonNode node, String path, ApplyConflicts d) {
        if (doc.object(node, path).isEmpty()) {
            return d;
        }
        doc.checkKeys(node, path, CONFLICT_KEYS, "applyConflicts setting");
        return new ApplyConflicts(
                choice(node, path, "insertExisting", "update", d.updateOnInsertConflict()),
                choice(node, path, "updateMissing", "insert", d.insertOnUpdateMissing()),
                choice(node, path, "deleteMissing", "ignore", d.ignoreMissingDelete()));
    }

    /** {@code error} or the one relaxing word; true for the relaxing word. */
    private boolean choice(JsonNode node, String path, String key, String relaxed, boolean fallback) {
        return doc.text(node.get(key), Doc.child(path, key)).flatMap(text -> {
            if (text.equals("error") || text.equals(relaxed)) {
                return Optional.of(text.equals(relaxed));
            }
            doc.error(Doc.child(path, key), "found '" + text + "'; expected error or " + relaxed);
            return Optional.<Boolean>empty();
        }).orElse(fallback);
    }

    private MetricsSettings metrics(JsonNode node, String path, MetricsSettings d) {
        if (doc.object(node, path).isEmpty()) {
            return d;
        }
        doc.checkKeys(node, path, METRICS_KEYS, "metrics setting");
        OptionalLong port = doc.integer(node.get("port"), Doc.child(path, "port"), 1, MetricsSettings.MAX_PORT);
        return new MetricsSettings(port.isPresent() ? OptionalInt.of((int) port.getAsLong()) : d.port(),
                duration(node, path, "interval").orElse(d.interval()));
    }

    private ValidationSettings validation(JsonNode node, String path, ValidationSettings d) {
        if (doc.object(node, path).isEmpty()) {
            return d;
        }
        doc.checkKeys(node, path, VALIDATION_KEYS, "validation setting");
        return new ValidationSettings(
                doc.bool(node.get("enabled"), Doc.child(path, "enabled")).orElse(d.enabled()),
                doc.bool(node.get("contentHash"), Doc.child(path, "contentHash")).orElse(d.contentHash()),
                (int) doc.integer(node.get("threadCount"), Doc.child(path, "threadCount"), 1, 1000).orElse(d.threadCount()),
                (int) doc.integer(node.get("partitionSize"), Doc.child(path, "partitionSize"), 1, Integer.MAX_VALUE)
                        .orElse(d.partitionSize()),
                doc.integer(node.get("failureMaxCount"), Doc.child(path, "failureMaxCount"), 0, Long.MAX_VALUE)
                        .orElse(d.failureMaxCount()));
    }
}
