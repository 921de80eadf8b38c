package dev.godwit.orchestrator.state;

import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Installing the control schema again, at every start and resume, takes no lock while the schema is the one this
 * godwit makes: workers of a running task write to its tables meanwhile.
 */
@ExtendWith(PgExtension.class)
class ControlSchemaIT {

    @Test
    void aCurrentSchemaIsLeftAloneAndAnOlderOneIsBroughtUpToDate(PgLab lab) throws Exception {
        TestDatabase target = lab.newDatabase(17);
        ControlSchema control = new ControlSchema("godwit");
        try (Connection c = target.connect()) {
            control.install(c);
        }
        String marked = target.value("SELECT obj_description('godwit'::regnamespace, 'pg_namespace')");
        assertTrue(marked.startsWith("godwit control schema "), marked);

        try (Connection writer = target.connect(); Statement w = writer.createStatement();
             Connection c = target.connect(); Statement s = c.createStatement()) {
            writer.setAutoCommit(false);
            w.execute("LOCK TABLE godwit.unit, godwit.event, godwit.cutover IN ROW EXCLUSIVE MODE"); // a worker's writes
            s.execute("SET lock_timeout = '2s'");
            control.install(c); // would wait on its ALTER TABLEs, then fail, if it ran the script

            target.execute("COMMENT ON SCHEMA godwit IS 'godwit control schema 0000000000000000'"); // an older godwit
            SQLException waited = assertThrows(SQLException.class, () -> control.install(c));
            assertEquals("55P03", waited.getSQLState(), "the script ran and met the writer's lock");
            writer.rollback();
            control.install(c);
        }
        assertEquals(marked, target.value("SELECT obj_description('godwit'::regnamespace, 'pg_namespace')"));
    }
}
