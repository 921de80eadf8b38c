package dev.godwit.orchestrator.preflight;

import java.util.Comparator;
import java.util.List;

/** Every finding of one preflight run, blockers first, each group in the order the checks ran. */
public record PreflightReport(List<Finding> findings) {
    public PreflightReport {
        findings = findings.stream().sorted(Comparator.comparing(Finding::severity)).toList();
    }

    public boolean hasBlockers() {
        return findings.stream().anyMatch(Finding::isBlocker);
    }

    public List<Finding> blockers() {
        return findings.stream().filter(Finding::isBlocker).toList();
    }

    public List<Finding> warnings() {
        return findings.stream().filter(f -> !f.isBlocker()).toList();
    }

    /** The findings of one check id, for tests and for {@code --fix}. */
    public List<Finding> of(String check) {
        return findings.stream().filter(f -> f.check().equals(check)).toList();
    }
}
