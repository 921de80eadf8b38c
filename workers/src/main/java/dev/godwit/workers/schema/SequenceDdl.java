package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Column;
import dev.godwit.workers.catalog.Identity;
import dev.godwit.workers.catalog.Sequence;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.schema.ScriptBuilder.PreData;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sequences of the target tables' columns: the ones a kept DEFAULT calls {@code nextval} on, created once each
 * (several columns may share one) with their options and OWNED BY as on the source, and the sequence clause of an
 * identity column, which creates its own.
 */
final class SequenceDdl {
    private static final Pattern NEXTVAL = Pattern.compile("nextval\\('((?:[^']|'')+)'::regclass\\)");

    private final SourceCatalog catalog;
    private final List<TargetTableSpec> specs;
    private final TargetNames names;
    private final Set<String> created = new LinkedHashSet<>();

    SequenceDdl(SourceCatalog catalog, List<TargetTableSpec> specs, TargetNames names) {
        this.catalog = catalog;
        this.specs = specs;
        this.names = names;
    }

    /** Creates the sequences a kept DEFAULT calls nextval on, with OWNED BY when the source has it. */
    void require(String expression, TargetTableSpec spec, ScriptBuilder script) {
        Matcher m = NEXTVAL.matcher(expression);
        while (m.find()) {
            String printed = m.group(1).replace("''", "'");
            Optional<String[]> parts = SqlRewriter.splitQualified(printed);
            Optional<Sequence> seq = parts.flatMap(p -> catalog.sequence(p[0] == null ? "public" : p[0], p[1]));
            if (seq.isEmpty()) {
                script.warn(TargetNames.table(spec) + ": sequence " + printed + " is not in the source catalog; the"
                        + " DEFAULT that uses it needs it on the target");
                continue;
            }
            Sequence s = seq.get();
            String targetName = SqlText.qualified(names.schema(s.schema()), s.name());
            if (!created.add(targetName)) {
                continue;
            }
            script.add(PreData.SEQUENCES, new Statement("sequence " + targetName, "CREATE SEQUENCE IF NOT EXISTS "
                    + targetName + " AS " + s.dataType() + " " + options(s)));
            s.ownedBy().ifPresent(o -> {
                Optional<TargetTableSpec> owner = specs.stream().filter(t -> t.source().schema().equals(o.schema())
                        && t.source().name().equals(o.table())).findFirst();
                Optional<String> column = owner.map(t -> names.columns(t).get(o.column()));
                if (owner.isPresent() && column.isPresent()) {
                    script.add(PreData.TABLE_LINKS, new Statement("sequence owner " + targetName, "ALTER SEQUENCE "
                            + targetName + " OWNED BY " + TargetNames.table(owner.get()) + "."
                            + SqlText.identifier(column.get())));
                }
            });
        }
    }

    /** {@code GENERATED … AS IDENTITY}, naming the source's identity sequence and its options when there is one. */
    String identity(TargetTableSpec spec, Column c) {
        String kind = c.identity() == Identity.ALWAYS ? "ALWAYS" : "BY DEFAULT";
        Optional<Sequence> seq = catalog.sequences().stream().filter(Sequence::identity)
                .filter(s -> s.ownedBy().filter(o -> o.schema().equals(spec.source().schema())
                        && o.table().equals(spec.source().name()) && o.column().equals(c.name())).isPresent())
                .findFirst();
        if (seq.isEmpty()) {
            return " GENERATED " + kind + " AS IDENTITY";
        }
        Sequence s = seq.get();
        return " GENERATED " + kind + " AS IDENTITY (SEQUENCE NAME "
                + SqlText.qualified(spec.mapping().targetSchema(), s.name()) + " " + options(s) + ")";
    }

    /** Whether a column's DEFAULT already had this sequence (target name, quoted) created. */
    boolean created(String targetName) {
        return created.contains(targetName);
    }

    static String options(Sequence s) {
        return "START WITH " + s.start() + " INCREMENT BY " + s.increment() + " MINVALUE " + s.min()
                + " MAXVALUE " + s.max() + " CACHE " + s.cache() + (s.cycle() ? " CYCLE" : " NO CYCLE");
    }
}
