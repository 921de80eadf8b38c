package dev.godwit.orchestrator.metrics;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped Grafana dashboard queries only metrics that docs/monitoring.md documents (a renamed or removed metric
 * would leave a panel empty with no error anywhere).
 */
class DashboardTest {
    private static final Pattern METRIC = Pattern.compile("godwit_[a-z_]+");
    /** Prometheus adds these to a histogram's or summary's name; the docs name the base. */
    private static final Pattern SERIES_SUFFIX = Pattern.compile("_(bucket|count|sum)$");

    @Test
    void everyMetricTheDashboardQueriesIsDocumented() throws Exception {
        Path docs = Path.of("..", "docs");
        String dashboard = Files.readString(docs.resolve("grafana-dashboard.json"));
        String documented = Files.readString(docs.resolve("monitoring.md"));
        Set<String> missing = new TreeSet<>();
        Matcher m = METRIC.matcher(dashboard);
        int queried = 0;
        while (m.find()) {
            queried++;
            String name = m.group();
            if (!documented.contains("`" + name + "`") && !documented.contains("`" + SERIES_SUFFIX.matcher(name).replaceAll("") + "`")) {
                missing.add(name);
            }
        }
        assertTrue(queried > 20, "the dashboard queries godwit's metrics: " + queried);
        assertEquals(Set.of(), missing, "queried by docs/grafana-dashboard.json, not in docs/monitoring.md");
    }
}
