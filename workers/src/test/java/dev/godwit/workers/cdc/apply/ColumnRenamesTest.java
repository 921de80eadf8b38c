package dev.godwit.workers.cdc.apply;

import dev.godwit.workers.cdc.apply.ColumnRenames.Rename;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ColumnRenamesTest {

    @Test
    void aNewNameWithARecordedAttnumIsARename() {
        assertEquals(List.of(new Rename(2, "body", "text_body")), ColumnRenames.find(List.of("id", "text_body"),
                Map.of(1, "id", 2, "body"), Map.of("id", 1, "text_body", 2)));
    }

    @Test
    void aNewNameWithANewAttnumIsAnAddAndAGoneOneADrop() {
        assertEquals(List.of(), ColumnRenames.find(List.of("id", "added"), Map.of(1, "id", 2, "dropped"),
                Map.of("id", 1, "added", 3)));
    }

    @Test
    void aRenameAndAnAddUnderTheOldNameAreToldApart() {
        // a renamed to b, then a new column a: the message shows b at a's attnum and a at a new one
        assertEquals(List.of(new Rename(2, "a", "b")), ColumnRenames.find(List.of("id", "b", "a"),
                Map.of(1, "id", 2, "a"), Map.of("id", 1, "b", 2, "a", 3)));
    }

    @Test
    void aMessageOlderThanTheCatalogShowsNoRenameOfANameItStillHas() {
        // the stream has not reached the rename of a to b yet: its a is the column it was then
        assertEquals(List.of(), ColumnRenames.find(List.of("id", "a"), Map.of(1, "id", 2, "a"),
                Map.of("id", 1, "b", 2)));
    }

    @Test
    void aColumnDroppedForAnotherToTakeItsNameIsDroppedFirst() {
        // b dropped, then a renamed to b: b's attnum is gone from the source, and a rename takes its name
        List<Rename> renames = ColumnRenames.find(List.of("id", "b"), Map.of(1, "id", 2, "a", 3, "b"),
                Map.of("id", 1, "b", 2));
        assertEquals(List.of(new Rename(2, "a", "b")), renames);
        assertEquals(Map.of(3, "b"), ColumnRenames.freed(renames, Map.of(1, "id", 2, "a", 3, "b"), Map.of("id", 1, "b", 2)));
    }

    @Test
    void renamesRunWhereTheirNewNameIsFree() {
        List<Rename> chain = List.of(new Rename(2, "a", "b"), new Rename(3, "b", "c"));
        assertEquals(Optional.of(List.of(new Rename(3, "b", "c"), new Rename(2, "a", "b"))),
                ColumnRenames.ordered(chain, Set.of("id", "a", "b")));
        List<Rename> swap = List.of(new Rename(2, "a", "b"), new Rename(3, "b", "a"));
        assertEquals(Optional.empty(), ColumnRenames.ordered(swap, Set.of("id", "a", "b")));
    }
}
