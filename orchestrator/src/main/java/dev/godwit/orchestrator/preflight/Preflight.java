package dev.godwit.orchestrator.preflight;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every check against the live servers and collects every finding; nothing is created or changed. A check that
 * cannot run is itself a finding, so one missing privilege never hides the other findings.
 */
public final class Preflight {
    /** Transactions open longer than this are reported: they hold back the creation of the replication slot. */
    public static final Duration LONG_TRANSACTION = Duration.ofMinutes(5);

    private final List<CheckGroup> groups;

    public Preflight() {
        this(LONG_TRANSACTION);
    }

    /** @param longTransaction how old an open source transaction must be to be reported */
    public Preflight(Duration longTransaction) {
        this.groups = List.of(new SourceServerChecks(longTransaction), new FailoverChecks(), new SourcePrivilegeChecks(), new TableChecks(),
                new TargetChecks(), new ObjectChecks(), new FallbackPreflight());
    }

    public PreflightReport run(PreflightContext ctx) {
        List<Finding> findings = new ArrayList<>();
        for (CheckGroup group : groups) {
            findings.addAll(group.run(ctx));
        }
        return new PreflightReport(findings);
    }
}
