package dev.godwit.workers.cdc.apply;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TypeWideningTest {

    @Test
    void widerTypesHoldEveryOldValue() {
        assertTrue(TypeWidening.widens("smallint", "integer"));
        assertTrue(TypeWidening.widens("integer", "bigint"));
        assertTrue(TypeWidening.widens("real", "double precision"));
        assertTrue(TypeWidening.widens("character varying(10)", "character varying(20)"));
        assertTrue(TypeWidening.widens("character varying(10)", "text"));
        assertTrue(TypeWidening.widens("numeric(10,2)", "numeric(12,2)"));
        assertTrue(TypeWidening.widens("numeric(10,2)", "numeric"));
        assertTrue(TypeWidening.widens("integer", "numeric(10,0)"));
    }

    @Test
    void narrowerOrReinterpretingTypesAreNot() {
        assertFalse(TypeWidening.widens("bigint", "integer"));
        assertFalse(TypeWidening.widens("character varying(20)", "character varying(10)"));
        assertFalse(TypeWidening.widens("numeric(10,2)", "numeric(12,3)"));
        assertFalse(TypeWidening.widens("integer", "numeric(9,0)"));
        assertFalse(TypeWidening.widens("text", "integer"));
        assertFalse(TypeWidening.widens("timestamp without time zone", "timestamp with time zone"));
    }
}
