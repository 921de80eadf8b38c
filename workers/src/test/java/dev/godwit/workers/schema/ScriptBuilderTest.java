package dev.godwit.workers.schema;

import dev.godwit.workers.schema.ScriptBuilder.PreData;
import dev.godwit.workers.schema.SchemaScript.Group;
import dev.godwit.workers.schema.SchemaScript.Statement;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ScriptBuilderTest {

    private static Statement s(String sql) {
        return new Statement(sql, sql);
    }

    @Test
    void preDataRunsSectionBySectionWhateverOrderThePartsAddedIn() {
        ScriptBuilder script = new ScriptBuilder();
        script.add(PreData.TABLE_LINKS, s("inherit"));
        script.add(PreData.TABLES, s("table a"));
        script.add(PreData.SEQUENCES, s("sequence"));
        script.add(PreData.TABLES, s("table b"));
        script.add(PreData.SCHEMAS, s("schema"));
        assertEquals(List.of(s("schema"), s("sequence"), s("table a"), s("table b"), s("inherit")),
                script.build().preData());
    }

    @Test
    void sharedGroupsComeInTheirPhaseAfterEarlierPhasesAndEmptyGroupsAreLeftOut() {
        ScriptBuilder script = new ScriptBuilder();
        script.group("a", SchemaScript.TABLE_PHASE, List.of(s("key a")));
        script.addToShared("foreign keys", SchemaScript.FOREIGN_KEY_PHASE, s("fk a"));
        script.group("empty", SchemaScript.TABLE_PHASE, List.of());
        script.group("b", SchemaScript.TABLE_PHASE, List.of(s("key b")));
        script.addToShared("foreign keys", SchemaScript.FOREIGN_KEY_PHASE, s("fk b"));
        script.warn("one");
        SchemaScript built = script.build();
        assertEquals(List.of(new Group("a", SchemaScript.TABLE_PHASE, List.of(s("key a"))),
                new Group("b", SchemaScript.TABLE_PHASE, List.of(s("key b"))),
                new Group("foreign keys", SchemaScript.FOREIGN_KEY_PHASE, List.of(s("fk a"), s("fk b")))),
                built.postData());
        assertEquals(List.of("one"), built.warnings());
    }
}
