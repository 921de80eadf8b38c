package dev.godwit.orchestrator.validate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.godwit.workers.validate.ChunkResult;
import dev.godwit.workers.validate.TableOutcome;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A validation report as a table for people or as JSON for tools. */
public final class ReportPrinter {

    public void printText(ValidationReport report, PrintWriter out) {
        out.printf("Validation run %d%s, %s%n%n", report.runId(),
                report.sourceLsn().map(l -> " at source position " + l).orElse(""),
                header(report));
        int width = Math.max(5, report.tables().stream().mapToInt(t -> t.tableKey().length()).max().orElse(5));
        out.printf(Locale.ROOT, "  %-" + width + "s  %14s  %14s  %-9s  %8s%n", "table", "source rows", "target rows", "state", "seconds");
        for (TableOutcome t : report.tables()) {
            out.printf(Locale.ROOT, "  %-" + width + "s  %,14d  %14s  %-9s  %8.1f%n", t.tableKey(), t.sourceRows(),
                    t.targetRows() < 0 ? "missing" : String.format(Locale.ROOT, "%,d", t.targetRows()), t.state(),
                    t.millis() / 1000.0);
        }
        if (!report.differences().isEmpty()) {
            out.println();
            out.println("  differing chunks:");
            for (ChunkResult c : report.differences()) {
                out.printf(Locale.ROOT, "    %s [%s]: source %s, target %s%s%n", c.tableKey(), c.range(),
                        rows(c.source().rows()), rows(c.target().rows()),
                        c.state().equals("CONTENT") ? ", same count but different contents" : "");
            }
            if (report.differing() > report.differences().size()) {
                out.printf("    … and %d more (settings.validation.failureMaxCount)%n", report.differing() - report.differences().size());
            }
        }
        out.println();
        out.println(report.equal() ? "Source and target are equal." : "Source and target DIFFER: "
                + report.differingTables().size() + " of " + report.tables().size() + " tables.");
        out.flush();
    }

    private static String header(ValidationReport report) {
        if (report.fromCopy()) {
            return "row counts from the copy: per unit, the rows the source's COPY sent against the rows the target's"
                    + " COPY wrote ('godwit validate' counts both sides again)";
        }
        return report.content() ? "row counts and contents" : "row counts (--content also compares contents)";
    }

    private static String rows(long rows) {
        return rows < 0 ? "table missing" : String.format(Locale.ROOT, "%,d rows", rows);
    }

    public void printJson(ValidationReport report, PrintWriter out) throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("runId", report.runId());
        doc.put("sourceLsn", report.sourceLsn().map(Object::toString).orElse(null));
        doc.put("content", report.content());
        doc.put("method", report.method());
        doc.put("equal", report.equal());
        doc.put("differingChunks", report.differing());
        doc.put("seconds", report.elapsed().toMillis() / 1000.0);
        List<Map<String, Object>> tables = new ArrayList<>();
        for (TableOutcome t : report.tables()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("table", t.tableKey());
            m.put("sourceRows", t.sourceRows());
            m.put("targetRows", t.targetRows() < 0 ? null : t.targetRows());
            m.put("state", t.state());
            m.put("chunks", t.chunks().size());
            m.put("seconds", t.millis() / 1000.0);
            tables.add(m);
        }
        doc.put("tables", tables);
        List<Map<String, Object>> diffs = new ArrayList<>();
        for (ChunkResult c : report.differences()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("table", c.tableKey());
            m.put("chunk", c.chunk().ordinal());
            m.put("range", c.range());
            m.put("state", c.state());
            m.put("sourceRows", c.source().rows());
            m.put("targetRows", c.target().isMissing() ? null : c.target().rows());
            m.put("sourceHash", c.source().hash());
            m.put("targetHash", c.target().hash());
            diffs.add(m);
        }
        doc.put("differences", diffs);
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
        out.flush();
    }
}
