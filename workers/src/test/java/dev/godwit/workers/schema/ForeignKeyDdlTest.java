package dev.godwit.workers.schema;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ForeignKeyDdlTest {

    @Test
    void cutsAroundTheReferencedNameAndKeepsWhatFollowsTheColumns() {
        assertEquals(Optional.of(new ForeignKeyDdl.Parts("FOREIGN KEY (a, \"B\")", "(id, \"Code\")",
                        " ON UPDATE CASCADE ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED")),
                ForeignKeyDdl.split("FOREIGN KEY (a, \"B\") REFERENCES s.p(id, \"Code\") ON UPDATE CASCADE"
                        + " ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED"));
    }

    @Test
    void aParenthesisInsideAQuotedTableOrSchemaNameIsNotTheColumnList() {
        assertEquals(Optional.of(new ForeignKeyDdl.Parts("FOREIGN KEY (pid)", "(id)", "")),
                ForeignKeyDdl.split("FOREIGN KEY (pid) REFERENCES \"odd (schema)\".\"p(\"\"x\"\")\"(id)"));
    }

    @Test
    void aDefinitionWithoutReferencesOrColumnsIsNotCut() {
        assertEquals(Optional.empty(), ForeignKeyDdl.split("CHECK ((a > 0))"));
        assertEquals(Optional.empty(), ForeignKeyDdl.split("FOREIGN KEY (pid) REFERENCES s.p"));
    }
}
