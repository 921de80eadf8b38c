package dev.godwit.orchestrator.preflight;

import dev.godwit.orchestrator.fallback.FallbackChecks;
import dev.godwit.orchestrator.fallback.Reversibility;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code cutover.withFallback} needs, found before the task starts rather than at its cutover: table mappings
 * that reverse exactly, and on the servers what the reverse stream runs on (see {@link FallbackChecks}).
 */
final class FallbackPreflight extends CheckGroup {

    @Override
    List<Finding> run(PreflightContext ctx) {
        List<Finding> out = new ArrayList<>();
        if (!ctx.cdc() || !ctx.task().settings().cutover().withFallback()) {
            return out;
        }
        for (String p : Reversibility.problems(ctx.plan().tables())) {
            out.add(Finding.blocker("fallback.mapping", "cutover.withFallback", "mapping not reversible: " + p,
                    "change the table mappings (renames only), or remove cutover.withFallback"));
        }
        attempt(out, "fallback.servers", "cutover.withFallback", found -> {
            for (FallbackChecks.Missing m : FallbackChecks.serverProblems(ctx.source(), ctx.target(),
                    FallbackChecks.streamable(ctx.plan().tables()))) {
                found.add(Finding.blocker(m.check(), m.object(), m.problem(), m.fix()));
            }
        });
        return out;
    }
}
