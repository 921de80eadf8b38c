package dev.godwit.workers.catalog;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ArgumentNamesTest {

    @Test
    void quotesTheNamesANewerServerMayTakeForKeywords() {
        String def = "CREATE OR REPLACE FUNCTION test.f(\"varchar\" character varying, json json DEFAULT '{}'::json,"
                + " tags text[] DEFAULT ARRAY['a,b'::text, 'c)'::text], integer)\n RETURNS json\n LANGUAGE sql\n"
                + "AS $function$ SELECT json $function$\n";
        assertEquals("CREATE OR REPLACE FUNCTION test.f(\"varchar\" character varying, \"json\" json DEFAULT"
                        + " '{}'::json, \"tags\" text[] DEFAULT ARRAY['a,b'::text, 'c)'::text], integer)\n RETURNS json\n"
                        + " LANGUAGE sql\nAS $function$ SELECT json $function$\n",
                ArgumentNames.quote(def, List.of("varchar", "json", "tags", ""), List.of()));
    }

    @Test
    void quotesAfterTheModeAndInTheReturnedTable() {
        String def = "CREATE OR REPLACE FUNCTION \"odd(name\".g(INOUT a integer, OUT json json, VARIADIC v integer[])\n"
                + " RETURNS record\n LANGUAGE sql\n";
        assertEquals("CREATE OR REPLACE FUNCTION \"odd(name\".g(INOUT \"a\" integer, OUT \"json\" json,"
                        + " VARIADIC \"v\" integer[])\n RETURNS record\n LANGUAGE sql\n",
                ArgumentNames.quote(def, List.of("a", "json", "v"), List.of("b", "o", "v")));
        assertEquals("CREATE OR REPLACE PROCEDURE s.p(IN \"json\" json, IN \"in\" integer)\n",
                ArgumentNames.quote("CREATE OR REPLACE PROCEDURE s.p(IN json json, IN \"in\" integer)\n",
                        List.of("json", "in"), List.of()));
        String table = "CREATE OR REPLACE FUNCTION s.t(x integer)\n RETURNS TABLE(json json, id integer)\n";
        assertEquals("CREATE OR REPLACE FUNCTION s.t(\"x\" integer)\n RETURNS TABLE(\"json\" json, \"id\" integer)\n",
                ArgumentNames.quote(table, List.of("x", "json", "id"), List.of("i", "t", "t")));
    }

    @Test
    void quotesTheIdentityArgumentsWithoutTheOutOnes() {
        assertEquals("\"a\" integer, VARIADIC \"json\" json[]", ArgumentNames.quoteIdentity(
                "a integer, VARIADIC json json[]", List.of("a", "r", "json"), List.of("i", "o", "v")));
        assertEquals("integer, \"b\" text", ArgumentNames.quoteIdentity("integer, b text", List.of("", "b"), List.of()));
    }

    @Test
    void leavesATextItCannotMatchAsItIs() {
        String def = "CREATE OR REPLACE FUNCTION s.h(integer)\n RETURNS integer\n";
        assertEquals(def, ArgumentNames.quote(def, List.of(), List.of()));
        assertEquals(def, ArgumentNames.quote(def, List.of("a", "b"), List.of()));
    }
}
