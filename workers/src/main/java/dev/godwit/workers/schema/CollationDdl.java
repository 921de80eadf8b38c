package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Collation;
import dev.godwit.workers.catalog.Column;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.schema.ScriptBuilder.PreData;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The collations of the selected schemas, and those a selected column uses wherever they are, created before the
 * types and tables (a domain or a column names one) with the source's provider, locale and determinism (and ICU
 * rules, from 16). Columns name a collation by its source schema, so a collation of a schema the mappings move is
 * named as not created.
 */
final class CollationDdl implements DdlPart {
    private final SourceCatalog catalog;
    private final ObjectScope scope;
    private final TargetNames names;
    private final List<TargetTableSpec> specs;

    CollationDdl(SourceCatalog catalog, ObjectScope scope, TargetNames names, List<TargetTableSpec> specs) {
        this.catalog = catalog;
        this.scope = scope;
        this.names = names;
        this.specs = specs;
    }

    @Override
    public void write(ScriptBuilder script) {
        Set<String> used = new HashSet<>();
        for (TargetTableSpec spec : specs) {
            spec.source().columns().stream().map(Column::collation).flatMap(Optional::stream)
                    .forEach(c -> used.add(c.replace("\"", "")));
        }
        for (Collation c : catalog.objects().defined().collations()) {
            if (!scope.covers(c.schema()) && !used.contains(c.schema() + "." + c.name())) {
                continue;
            }
            String object = "collation " + c.schema() + "." + c.name();
            Optional<String> problem = scope.schemaProblem(c.schema());
            if (problem.isPresent()) {
                script.notCreated(object, problem.get());
                continue;
            }
            Optional<String> sql = create(c);
            if (sql.isEmpty()) {
                script.notCreated(object, "its provider " + c.provider() + " has no locale godwit can name");
                continue;
            }
            String name = SqlText.qualified(names.schema(c.schema()), c.name());
            script.needSchema(names.schema(c.schema()));
            script.add(PreData.COLLATIONS, new Statement(object, sql.get()));
            c.comment().ifPresent(text -> script.add(PreData.COLLATIONS, new Statement("comment on " + object,
                    "COMMENT ON COLLATION " + name + " IS " + SqlText.literal(text))));
        }
    }

    /** CREATE COLLATION as pg_dump spells it for each provider; empty for one it cannot spell. */
    static Optional<String> create(Collation c) {
        List<String> options = new ArrayList<>();
        switch (c.provider()) {
            case "i" -> {
                options.add("provider = icu");
                Optional<String> locale = c.locale().or(c::lcCollate);
                if (locale.isEmpty()) {
                    return Optional.empty();
                }
                options.add("locale = " + SqlText.literal(locale.get()));
            }
            case "b" -> {
                options.add("provider = builtin");
                options.add("locale = " + SqlText.literal(c.locale().orElse("")));
            }
            case "c" -> {
                options.add("provider = libc");
                if (c.lcCollate().isEmpty() || c.lcCtype().isEmpty()) {
                    return Optional.empty();
                }
                if (c.lcCollate().equals(c.lcCtype())) {
                    options.add("locale = " + SqlText.literal(c.lcCollate().get()));
                } else {
                    options.add("lc_collate = " + SqlText.literal(c.lcCollate().get()));
                    options.add("lc_ctype = " + SqlText.literal(c.lcCtype().get()));
                }
            }
            default -> {
                return Optional.empty();
            }
        }
        if (!c.deterministic()) {
            options.add("deterministic = false");
        }
        c.rules().ifPresent(r -> options.add("rules = " + SqlText.literal(r)));
        return Optional.of("CREATE COLLATION IF NOT EXISTS " + SqlText.qualified(c.schema(), c.name()) + " ("
                + String.join(", ", options) + ")");
    }
}
