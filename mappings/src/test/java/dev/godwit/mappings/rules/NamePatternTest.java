package dev.godwit.mappings.rules;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NamePatternTest {

    @Test
    void percentMatchesAnyRunIncludingAnEmptyOne() {
        NamePattern p = NamePattern.of("tmp%");
        assertTrue(p.matches("tmp"));
        assertTrue(p.matches("tmp_import"));
        assertFalse(p.matches("xtmp"));
    }

    @Test
    void underscoreMatchesExactlyOneCharacterSoOrderItemsAlsoMatchesOrderXitems() {
        NamePattern p = NamePattern.of("order_items");
        assertTrue(p.matches("order_items"));
        assertTrue(p.matches("orderXitems"));
        assertFalse(p.matches("orderitems"));
    }

    @Test
    void bracketedUnderscoreIsALiteralUnderscore() {
        NamePattern p = NamePattern.of("order[_]items");
        assertTrue(p.matches("order_items"));
        assertFalse(p.matches("orderXitems"));
        assertFalse(p.hasWildcards());
    }

    @Test
    void bracketSetsAndRangesMatchOneCharacterOfTheClass() {
        assertTrue(NamePattern.of("t[ab]").matches("ta"));
        assertFalse(NamePattern.of("t[ab]").matches("tc"));
        assertTrue(NamePattern.of("p[a-d]x").matches("pcx"));
        assertFalse(NamePattern.of("p[a-d]x").matches("pex"));
        assertTrue(NamePattern.of("[[]x").matches("[x"));
        assertTrue(NamePattern.of("100[%]").matches("100%"));
    }

    @Test
    void matchingIsCaseSensitive() {
        assertFalse(NamePattern.of("Orders").matches("orders"));
        assertTrue(NamePattern.of("Orders").matches("Orders"));
    }

    @Test
    void regexMetacharactersInNamesAreLiteral() {
        assertTrue(NamePattern.of("a.b$c").matches("a.b$c"));
        assertFalse(NamePattern.of("a.b").matches("axb"));
    }

    @Test
    void exactNameReadsUnderscoreLiterallyAndUnescapesSingleCharacterClasses() {
        assertEquals(Optional.of("order_items"), NamePattern.of("order_items").exactName());
        assertEquals(Optional.of("tmp_x"), NamePattern.of("tmp[_]x").exactName());
        assertEquals(Optional.empty(), NamePattern.of("tmp%").exactName());
        assertEquals(Optional.empty(), NamePattern.of("t[ab]").exactName());
    }

    @Test
    void anUnclosedBracketIsRejectedWithAHint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NamePattern.of("tmp[_"));
        assertEquals("'[' at position 4 of 'tmp[_' is not closed; write [[] for a literal '['", e.getMessage());
    }
}
