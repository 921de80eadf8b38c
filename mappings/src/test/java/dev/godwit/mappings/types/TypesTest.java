package dev.godwit.mappings.types;

import org.junit.jupiter.api.Test;

import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TypesTest {

    private static String pg(String type, Integer precision, Integer scale, Integer length) {
        return DmsTypes.toPostgres(new DataTypeSpec(type, opt(precision), opt(scale), opt(length))).sql();
    }

    private static OptionalInt opt(Integer v) {
        return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }

    private static TypeChange.Kind change(String from, String to) {
        return TypeChange.between(PgType.parse(from), PgType.parse(to)).kind();
    }

    @Test
    void dmsTypesMapToPostgresqlTypes() {
        assertEquals("character varying(20)", pg("string", null, null, 20));
        assertEquals("character varying(20)", pg("wstring", null, null, 20));
        assertEquals("text", pg("string", null, null, null));
        assertEquals("numeric(18,4)", pg("numeric", 18, 4, null));
        assertEquals("numeric", pg("numeric", null, null, null));
        assertEquals("smallint", pg("int1", null, null, null));
        assertEquals("smallint", pg("int2", null, null, null));
        assertEquals("integer", pg("int4", null, null, null));
        assertEquals("bigint", pg("int8", null, null, null));
        assertEquals("smallint", pg("uint1", null, null, null));
        assertEquals("integer", pg("uint2", null, null, null));
        assertEquals("bigint", pg("uint4", null, null, null));
        assertEquals("numeric(20,0)", pg("uint8", null, null, null));
        assertEquals("real", pg("real4", null, null, null));
        assertEquals("double precision", pg("real8", null, null, null));
        assertEquals("boolean", pg("boolean", null, null, null));
        assertEquals("date", pg("date", null, null, null));
        assertEquals("time without time zone", pg("time", null, null, null));
        assertEquals("timestamp without time zone", pg("datetime", null, null, null));
        assertEquals("timestamp(3) without time zone", pg("datetime", 3, null, null));
        assertEquals("bytea", pg("bytes", null, null, null));
        assertEquals("bytea", pg("blob", null, null, null));
        assertEquals("text", pg("clob", null, null, null));
        assertEquals("text", pg("nclob", null, null, null));
    }

    @Test
    void aNameThatIsNotADmsTypeIsTakenAsAPostgresqlType() {
        assertEquals("jsonb", pg("jsonb", null, null, null));
        assertEquals("timestamp with time zone", pg("timestamptz", null, null, null));
        assertEquals("numeric(20,4)", pg("numeric(20,4)", null, null, null));
        assertEquals("character varying(30)", pg("varchar", null, null, 30));
        assertEquals("public.mood", pg("public.mood", null, null, null));
    }

    @Test
    void unmappableDmsTypesAndOutOfRangeModifiersAreRejected() {
        assertEquals("DMS type 'map' has no PostgreSQL equivalent; write a PostgreSQL type name instead, e.g. jsonb",
                assertThrows(IllegalArgumentException.class, () -> pg("map", null, null, null)).getMessage());
        assertEquals("data-type.precision 9 is out of range; PostgreSQL keeps 0 to 6 fractional-second digits",
                assertThrows(IllegalArgumentException.class, () -> pg("datetime", 9, null, null)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> pg("numeric", 5, 7, null));
    }

    @Test
    void formatTypeTextIsParsedAndNormalised() {
        assertEquals(PgType.parse("character varying(20)"), PgType.parse("varchar(20)"));
        assertEquals(PgType.parse("timestamptz(3)"), PgType.parse("timestamp(3) with time zone"));
        assertEquals("integer[]", PgType.parse("int4[]").sql());
        assertEquals("timestamp(3) with time zone", PgType.parse("timestamp(3) with time zone").sql());
    }

    @Test
    void narrowingChangesAreLossy() {
        assertEquals(TypeChange.Kind.LOSSY, change("character varying(50)", "character varying(20)"));
        assertEquals(TypeChange.Kind.LOSSY, change("text", "character varying(100)"));
        assertEquals(TypeChange.Kind.LOSSY, change("numeric(12,2)", "numeric(10,2)"));
        assertEquals(TypeChange.Kind.LOSSY, change("numeric(12,4)", "numeric(14,2)"));
        assertEquals(TypeChange.Kind.LOSSY, change("bigint", "integer"));
        assertEquals(TypeChange.Kind.LOSSY, change("integer", "smallint"));
        assertEquals(TypeChange.Kind.LOSSY, change("double precision", "real"));
        assertEquals(TypeChange.Kind.LOSSY, change("numeric(12,2)", "bigint"));
        assertEquals(TypeChange.Kind.LOSSY, change("timestamp with time zone", "timestamp"));
        assertEquals(TypeChange.Kind.LOSSY, change("timestamp", "date"));
        assertEquals(TypeChange.Kind.LOSSY, change("timestamp(6)", "timestamp(0)"));
    }

    @Test
    void wideningChangesAreSafeAndUnrelatedOnesUnknown() {
        assertEquals(TypeChange.Kind.SAFE, change("character varying(20)", "character varying(50)"));
        assertEquals(TypeChange.Kind.SAFE, change("character varying(20)", "text"));
        assertEquals(TypeChange.Kind.SAFE, change("integer", "bigint"));
        assertEquals(TypeChange.Kind.SAFE, change("numeric(12,2)", "numeric(18,4)"));
        assertEquals(TypeChange.Kind.SAFE, change("numeric(9,0)", "integer"));
        assertEquals(TypeChange.Kind.SAFE, change("real", "double precision"));
        assertEquals(TypeChange.Kind.SAFE, change("timestamp", "timestamp with time zone"));
        assertEquals(TypeChange.Kind.SAME, change("int4", "integer"));
        assertEquals(TypeChange.Kind.UNKNOWN, change("text", "integer"));
    }

    @Test
    void postgresqlColumnsAreSeenAsTheirDmsTypes() {
        assertEquals("int4", DmsTypes.dmsTypeOf(PgType.parse("integer")).orElseThrow());
        assertEquals("wstring", DmsTypes.dmsTypeOf(PgType.parse("character varying(20)")).orElseThrow());
        assertEquals("nclob", DmsTypes.dmsTypeOf(PgType.parse("jsonb")).orElseThrow());
        assertEquals("datetime", DmsTypes.dmsTypeOf(PgType.parse("timestamp with time zone")).orElseThrow());
        assertEquals("string", DmsTypes.dmsTypeOf(PgType.parse("numeric(40,2)")).orElseThrow());
        assertEquals("string", DmsTypes.dmsTypeOf(PgType.parse("public.mood")).orElseThrow());
    }
}
