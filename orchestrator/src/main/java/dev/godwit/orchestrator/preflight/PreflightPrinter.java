package dev.godwit.orchestrator.preflight;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.plan.Counts;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints a preflight report for people (grouped by severity) or for tools (JSON). Never prints a password. */
public final class PreflightPrinter {

    public void printText(Task task, PreflightReport report, PrintWriter out) {
        out.printf("Preflight for task %s (%s): %s → %s%n", task.name(), task.type(), task.source().redacted(),
                task.target().redacted());
        group(out, "BLOCKERS", report.blockers());
        group(out, "WARNINGS", report.warnings());
        out.println();
        out.println(summary(report));
        out.flush();
    }

    private static void group(PrintWriter out, String title, List<Finding> findings) {
        if (findings.isEmpty()) {
            return;
        }
        out.println();
        out.printf("%s (%d)%n", title, findings.size());
        for (Finding f : findings) {
            out.printf("  %s  [%s]%n", f.object(), f.check());
            out.printf("      problem: %s%n", f.problem());
            out.printf("      fix:     %s%n", f.fix());
        }
    }

    static String summary(PreflightReport report) {
        int b = report.blockers().size();
        int w = report.warnings().size();
        String counts = Counts.of(b, "blocker") + ", " + Counts.of(w, "warning");
        if (b > 0) {
            return counts + ": fix the blockers, then run preflight again (exit code 3).";
        }
        return counts + (w > 0 ? ": the task can run; read the warnings." : ": the task can run.");
    }

    public void printJson(Task task, PreflightReport report, PrintWriter out) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("task", task.name());
        doc.put("type", task.type().spelling());
        doc.put("source", task.source().redacted());
        doc.put("target", task.target().redacted());
        doc.put("blockers", report.blockers().size());
        doc.put("warnings", report.warnings().size());
        List<Map<String, Object>> findings = new ArrayList<>();
        for (Finding f : report.findings()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
            one.put("check", f.check());
            one.put("object", f.object());
            one.put("problem", f.problem());
            one.put("fix", f.fix());
            findings.add(one);
        }
        doc.put("findings", findings);
        try {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the preflight report as JSON", e);
        }
        out.flush();
    }
}
