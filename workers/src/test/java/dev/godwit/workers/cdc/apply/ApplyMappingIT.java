package dev.godwit.workers.cdc.apply;

import static dev.godwit.workers.cdc.apply.ApplyFixture.U;
import static dev.godwit.workers.cdc.apply.ApplyFixture.key;
import static dev.godwit.workers.cdc.apply.ApplyFixture.relation;
import static dev.godwit.workers.cdc.apply.ApplyFixture.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.rules.ColumnMapping;
import dev.godwit.mappings.rules.OperationIndicator;
import dev.godwit.mappings.rules.ParallelLoad;
import dev.godwit.mappings.rules.SourceColumn;
import dev.godwit.mappings.rules.SourceTable;
import dev.godwit.mappings.rules.SourceTableKind;
import dev.godwit.mappings.rules.TableMapping;
import dev.godwit.workers.cdc.apply.ApplyFixture.Feed;
import dev.godwit.workers.cdc.apply.ApplyFixture.TableCheckpoint;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Delete;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Insert;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Update;
import dev.godwit.workers.cdc.pgoutput.ReplicaIdentity;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PgExtension.class)
@Timeout(60)
class ApplyMappingIT {

    private static TableMapping mapping() {
        SourceTable source = new SourceTable("public", "orders", SourceTableKind.TABLE, List.of(
                new SourceColumn("id", "integer", true), new SourceColumn("qty", "integer", false),
                new SourceColumn("note", "text", false), new SourceColumn("secret", "text", false)),
                List.of("id"));
        List<ColumnMapping> columns = List.of(
                new ColumnMapping("id", "order_id", "integer", "bigint", "\"id\"::bigint", true, false),
                new ColumnMapping("qty", "quantity", "integer", "integer", "\"qty\"", false, false),
                new ColumnMapping("note", "note", "text", "text", "\"note\"", false, false),
                new ColumnMapping(null, "qty2", null, "integer", "(\"qty\" * 2)::integer", false, false),
                new ColumnMapping(null, "op", null, "character(1)", "'I'::character(1)", false, false,
                        Optional.of(new OperationIndicator("D", "U", "I"))));
        return new TableMapping(source, "sales", "orders_v2", columns, Optional.empty(), 0, Optional.empty(),
                new ParallelLoad.None(), new PartitionRule.Keep(), List.of());
    }

    @Test
    void aMappedTableGetsRenamedColumnsAddedExpressionsAndOperationIndicatorsWithDeletesAsSoftDeletes(PgLab lab)
            throws SQLException {
        TestDatabase db = lab.newDatabase(17);
        db.execute("CREATE SCHEMA sales", "CREATE TABLE sales.orders_v2 (order_id bigint PRIMARY KEY, quantity int,"
                + " note text, qty2 int, op char(1), note_len int GENERATED ALWAYS AS (length(note)) STORED)");
        ApplyTarget target = ApplyTarget.from(mapping(), List.of("order_id"), Optional.empty(), Set.of("note_len"));
        assertEquals(Set.of("secret"), target.omittedColumns());
        Relation orders = relation(30, "public", "orders", ReplicaIdentity.DEFAULT, "id*", "qty", "note", "secret");
        try (Connection conn = db.connect()) {
            new Feed(new ChangeApplier(conn, r -> Optional.of(target), new TableCheckpoint(db),
                    ApplyFixture.perTransaction()))
                    .tx(1, orders, new Insert(30, row("1", "3", "first", "s")), new Insert(30, row("2", "4", "x", "s")))
                    .tx(2, new Update(30, Optional.empty(), row("1", "5", U, "s")), new Delete(30, key("2", null, null, null)));
        }
        assertEquals(List.of("1|5|first|10|U|5", "2|4|x|8|D|1"), db.column("SELECT concat_ws('|', order_id, quantity,"
                + " note, qty2, op, note_len) FROM sales.orders_v2 ORDER BY order_id"));
    }
}
