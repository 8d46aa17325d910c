package io.pushcap.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Expected strings are what C's printf (glibc) prints for the same format and value. */
class LuaStringFormatTest {
    private static String format(String luaArgs) {
        // Not "return string.format(...)": LuaJ runs tail calls outside the chunk, so errors would lose their line.
        String script = "local s = string.format(" + luaArgs + ")\nreturn s";
        return new LuaSandbox().run("f.lua", script.getBytes(StandardCharsets.UTF_8)).tojstring();
    }

    @ParameterizedTest(name = "string.format({0}) = [{1}]")
    @CsvSource(delimiterString = "=>", quoteCharacter = '`', value = {
        "'%.2f', 3.14159      => 3.14",
        "'%.2f', 2.675        => 2.67",
        "'%.2f', 0.125        => 0.12",
        "'%.0f', 2.5          => 2",
        "'%.0f', 3.5          => 4",
        "'%#.0f', 3           => 3.",
        "'%5.1f', 3.14159     => `  3.1`",
        "'%-8.3f|', 2.5       => `2.500   |`",
        "'%010.2f', -3.14159  => -000003.14",
        "'%f', 1/0            => inf",
        "'%5.1f', -1/0        => ` -inf`",
        "'%.2f', -0.001       => -0.00",
        "'%+.1e', 12345.678   => +1.2e+04",
        "'%e', 0              => 0.000000e+00",
        "'%.3E', 6.02214e23   => 6.022E+23",
        "'%g', 1e20           => 1e+20",
        "'%g', 0.0001         => 0.0001",
        "'%g', 0.00001234     => 1.234e-05",
        "'%g', 123456789      => 1.23457e+08",
        "'%g', 100            => 100",
        "'%#g', 1             => 1.00000",
        "'%.3g', 2.5e-5       => 2.5e-05",
        "'%.14g', 0.1         => 0.1",
        "'%G', 1e-10          => 1E-10",
        "'%d', 3.7            => 3",
        "'%i', -42            => -42",
        "'%05d', -42          => -0042",
        "'%.3d', 7            => 007",
        "'%+d', 5             => +5",
        "'% d', 5             => ` 5`",
        "'%-4d|', 5           => `5   |`",
        "'%x', 255            => ff",
        "'%#X', 255           => 0XFF",
        "'%#o', 8             => 010",
        "'%u', 42             => 42",
        "'%c%c', 72, 105      => Hi",
        "'%5.2s|', 'abc'      => `   ab|`",
        "'%-5s|', 'ab'        => `ab   |`",
        "'%s %s %s', 1, true, nil => 1 true nil",
        "'%a', 1              => 0x1p+0",
        "'%a', 3              => 0x1.8p+1",
        "'100%% %s', 'done'   => 100% done",
        "'%d%%', 60e9/1e9     => 60%",
    })
    void shouldFormatLikeCWhenGivenAConversion(String args, String expected) {
        assertEquals(expected, format(args));
    }

    @Test
    void shouldHonourPrecisionWhenLuajWouldIgnoreIt() {
        // LuaJ 3.0.1's own string.format returns "3.14159" here.
        assertEquals("3.14 | 2.500", format("'%.2f | %.3f', 3.14159, 2.5"));
        assertEquals("3.14", new LuaSandbox().run("m.lua", "return ('%.2f'):format(3.14159)".getBytes()).tojstring());
    }

    @Test
    void shouldQuoteStringsLuaCanReadBackWhenFormatIsQ() {
        assertEquals("\"a\\\"b\\\\c\\\nd\\r\\0001\\0\"", format("'%q', 'a\"b\\\\c\\nd\\r\\0' .. '1' .. '\\0'"));
        assertEquals("true", new LuaSandbox().run("q.lua",
                "local s = 'x\\n\"y\\0\\r' return load('return ' .. string.format('%q', s))() == s".getBytes()).tojstring());
    }

    @Test
    void shouldUseTostringMetamethodWhenFormatIsS() {
        assertEquals("<obj>", new LuaSandbox().run("s.lua",
                "local t = setmetatable({}, {__tostring = function() return '<obj>' end}) return string.format('%s', t)".getBytes()).tojstring());
    }

    @Test
    void shouldRaiseLuasErrorsWhenFormatIsInvalid() {
        assertEquals("f.lua:1: invalid option '%y' to 'format'", assertThrows(ConfigException.class, () -> format("'%y', 1")).getMessage());
        assertEquals("f.lua:1: invalid format (width or precision too long)",
                assertThrows(ConfigException.class, () -> format("'%100d', 1")).getMessage());
        assertEquals("f.lua:1: invalid format (repeated flags)",
                assertThrows(ConfigException.class, () -> format("'%-+ #0-d', 1")).getMessage());
        assertEquals("f.lua:1: bad argument #3 to 'format' (no value)",
                assertThrows(ConfigException.class, () -> format("'%d %d', 1")).getMessage());
        assertEquals("f.lua:1: bad argument #2 to 'format' (number expected, got table)",
                assertThrows(ConfigException.class, () -> format("'%d', {}")).getMessage());
        assertEquals("12", format("'%d', '12'"));
    }
}
