/*
 * The scalar half of the TOML reader: ps_toml_int (every integer form TOML
 * allows, and nothing else), ps_toml_int_format (a new value written the way
 * the old one was), and through ps_toml_parse the values a document may hold
 * (integers, floats, booleans, strings with their escapes, dates and times,
 * UTF-8) and those it may not, each refused at the offending byte.
 */
#include "parse/toml.h"

#include <check.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/runner.h"
#include "../support/tomlcase.h"

#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

/* ---- ps_toml_int ------------------------------------------------------------- */

/* clang-format off */
static const struct int_case {
    const char *text;
    int ok;
    int64_t value;
} int_cases[] = {
    {"0", 1, 0}, {"+0", 1, 0}, {"-0", 1, 0}, {"3", 1, 3}, {"+5", 1, 5}, {"-42", 1, -42},
    {"1_0", 1, 10}, {"1_000_000", 1, 1000000}, {"5_3_4_9", 1, 5349},
    {"0x10", 1, 16}, {"0xDEADBEEF", 1, 0xDEADBEEF}, {"0xdead_beef", 1, 0xDEADBEEF},
    {"0x00ff", 1, 255}, {"0o17", 1, 15}, {"0o7_5_5", 1, 0755}, {"0b101", 1, 5},
    {"0b1_0000_0000", 1, 256}, {"0x0", 1, 0},
    {"9223372036854775807", 1, INT64_MAX}, {"-9223372036854775808", 1, INT64_MIN},
    {"0x7FFFFFFFFFFFFFFF", 1, INT64_MAX}, {"0o777777777777777777777", 1, INT64_MAX},
    /* not integers */
    {"", 0, 0}, {"+", 0, 0}, {"-", 0, 0}, {"01", 0, 0}, {"+01", 0, 0}, {"00", 0, 0},
    {"0_1", 0, 0}, {"1__0", 0, 0}, {"_1", 0, 0}, {"1_", 0, 0}, {"0x", 0, 0}, {"0x_1", 0, 0},
    {"0x1_", 0, 0}, {"0X10", 0, 0}, {"0O17", 0, 0}, {"0B1", 0, 0}, {"+0x10", 0, 0},
    {"-0o7", 0, 0}, {"+0b1", 0, 0}, {"0b2", 0, 0}, {"0o8", 0, 0}, {"0xg", 0, 0},
    {"1abc", 0, 0}, {"3.0", 0, 0}, {"1e3", 0, 0}, {" 1", 0, 0}, {"1 ", 0, 0}, {"--1", 0, 0},
    {"true", 0, 0}, {"\"3\"", 0, 0}, {"9223372036854775808", 0, 0},
    {"-9223372036854775809", 0, 0}, {"0x8000000000000000", 0, 0},
    {"99999999999999999999", 0, 0},
};
/* clang-format on */

START_TEST(test_int)
{
    const struct int_case *c = &int_cases[_i];
    int64_t v = 12345;
    int rc = ps_toml_int(c->text, strlen(c->text), &v);
    if (c->ok) {
        ck_assert_msg(rc == 0, "'%s' refused", c->text);
        ck_assert_msg(v == c->value, "'%s' read as %lld, want %lld", c->text, (long long)v,
                      (long long)c->value);
    } else {
        ck_assert_msg(rc == -1, "'%s' read as %lld", c->text, (long long)v);
    }
}
END_TEST

/* Only the n bytes given are read. */
START_TEST(test_int_bounds)
{
    int64_t v;
    ck_assert_int_eq(ps_toml_int("123", 2, &v), 0);
    ck_assert_int_eq(v, 12);
    ck_assert_int_eq(ps_toml_int("0x1f", 3, &v), 0);
    ck_assert_int_eq(v, 1);
    ck_assert_int_eq(ps_toml_int("1_2", 2, &v), -1); /* "1_": a trailing underscore */
}
END_TEST

/* ---- ps_toml_int_format ------------------------------------------------------ */

/* clang-format off */
static const struct format_case {
    const char *orig;
    int64_t value;
    const char *want;
    int restores; /* writing the original value back gives the original bytes */
} format_cases[] = {
    {"0", 3, "3", 1}, {"10", 3, "3", 1}, {"3", 10, "10", 1}, {"10", 65535, "65535", 1},
    {"+5", 3, "+3", 1}, {"+0", 12, "+12", 1},
    {"-0", 3, "3", 0}, /* a sign no offset needs is dropped */
    {"0x10", 3, "0x3", 1}, {"0x10", 0, "0x0", 1}, {"0x5", 16, "0x10", 1},
    {"0x1", 300, "0x12c", 1}, {"0xFF", 171, "0xAB", 1}, {"0xff", 171, "0xab", 1},
    {"0o17", 3, "0o3", 1}, {"0b101", 3, "0b11", 1}, {"0b0", 5, "0b101", 1},
    /* leading zeros kept when there were some */
    {"0x0010", 3, "0x0003", 1}, {"0x0010", 0x12345, "0x12345", 0}, {"0o0", 8, "0o10", 1},
    {"0b0011", 3, "0b0011", 1},
    /* underscores stay where they were while the digit count does */
    {"1_0", 13, "1_3", 1}, {"1_000", 2000, "2_000", 1}, {"0x1_0", 0x23, "0x2_3", 1},
    {"0b1_01", 6, "0b1_10", 1},
    {"1_0", 3, "3", 0}, {"1_0", 100, "100", 0}, {"0b1_01", 9, "0b1001", 0},
};
/* clang-format on */

START_TEST(test_int_format)
{
    const struct format_case *c = &format_cases[_i];
    int64_t orig;
    ck_assert_int_eq(ps_toml_int(c->orig, strlen(c->orig), &orig), 0);
    char *got = ps_toml_int_format(c->orig, strlen(c->orig), c->value);
    int64_t back = -1;
    int reads = ps_toml_int(got, strlen(got), &back);
    char *again = ps_toml_int_format(got, strlen(got), orig);
    int same = strcmp(got, c->want) == 0, restored = strcmp(again, c->orig) == 0;
    char msg[256];
    snprintf(msg, sizeof msg, "'%s' set to %lld: '%s' (want '%s'), then back: '%s'", c->orig,
             (long long)c->value, got, c->want, again);
    free(got);
    free(again);
    ck_assert_msg(same, "%s", msg);
    ck_assert_msg(reads == 0 && back == c->value, "%s does not read back", msg);
    ck_assert_msg(restored == c->restores, "%s: restored %d, want %d", msg, restored, c->restores);
}
END_TEST

/* ---- values in a document ---------------------------------------------------- */

/* clang-format off */
static const struct value_case {
    const char *label;
    const char *data; /* one key, v */
    ps_toml_type type;
    const char *text; /* strings: decoded; integers: the value in decimal */
} value_cases[] = {
    {"decimal", "v = +1_000\n", PS_TOML_INTEGER, "1000"},
    {"hex", "v = 0xCAFE\n", PS_TOML_INTEGER, "51966"},
    {"smallest integer", "v = -9223372036854775808\n", PS_TOML_INTEGER, "-9223372036854775808"},
    {"float with fraction", "v = 3.14\n", PS_TOML_FLOAT, NULL},
    {"float with exponent", "v = 5e+22\n", PS_TOML_FLOAT, NULL},
    {"float with both", "v = -6.626e-3_4\n", PS_TOML_FLOAT, NULL},
    {"float zero", "v = -0.0\n", PS_TOML_FLOAT, NULL},
    {"float inf", "v = -inf\n", PS_TOML_FLOAT, NULL},
    {"float nan", "v = +nan\n", PS_TOML_FLOAT, NULL},
    {"true", "v = true\n", PS_TOML_BOOL, NULL},
    {"offset date-time", "v = 1979-05-27T07:32:00.999999-07:00\n", PS_TOML_DATETIME, NULL},
    {"offset date-time, space and z", "v = 1979-05-27 07:32:00z\n", PS_TOML_DATETIME, NULL},
    {"local date-time", "v = 1979-05-27t00:32:00\n", PS_TOML_DATETIME_LOCAL, NULL},
    {"local date, a leap day", "v = 2000-02-29\n", PS_TOML_DATE_LOCAL, NULL},
    {"local time, a leap second", "v = 23:59:60.5\n", PS_TOML_TIME_LOCAL, NULL},
    {"a date then a comment", "v = 1979-05-27 # a date\n", PS_TOML_DATE_LOCAL, NULL},
    {"escapes", "v = \"\\b\\t\\n\\f\\r\\\"\\\\\"\n", PS_TOML_STRING, "\b\t\n\f\r\"\\"},
    {"unicode escapes", "v = \"\\u00e9\\U0001F600\"\n", PS_TOML_STRING,
     "\xc3\xa9\xf0\x9f\x98\x80"},
    {"literal string keeps backslashes", "v = 'C:\\dir\\q'\n", PS_TOML_STRING, "C:\\dir\\q"},
    {"UTF-8 in a string", "v = \"caf\xc3\xa9 \xe2\x82\xac\"\n", PS_TOML_STRING,
     "caf\xc3\xa9 \xe2\x82\xac"},
    {"tab in a string", "v = \"a\tb\"\n", PS_TOML_STRING, "a\tb"},
    {"multi-line: first line end trimmed", "v = \"\"\"\nab\ncd\"\"\"\n", PS_TOML_STRING,
     "ab\ncd"},
    {"multi-line: CRLF first line end trimmed", "v = \"\"\"\r\nab\"\"\"\r\n", PS_TOML_STRING,
     "ab"},
    {"multi-line: a backslash ends the line", "v = \"\"\"a \\  \n\n   b\"\"\"\n", PS_TOML_STRING,
     "a b"},
    {"multi-line: quotes inside and before the end", "v = \"\"\"\"q\"\" \"\"\"\"\"\n",
     PS_TOML_STRING, "\"q\"\" \"\""},
    {"multi-line literal", "v = '''\nC:\\x\n'it'''''\n", PS_TOML_STRING, "C:\\x\n'it''"},
    {"empty strings", "v = \"\"\n", PS_TOML_STRING, ""},
    {"a byte order mark first", "\xef\xbb\xbfv = 1\n", PS_TOML_INTEGER, "1"},
};
/* clang-format on */

START_TEST(test_value)
{
    const struct value_case *c = &value_cases[_i];
    ps_toml t;
    ps_error err;
    int rc = toml_parse_bytes(&t, c->data, strlen(c->data), &err);
    ck_assert_msg(rc == 0, "[%s] refused: %d:%d %s", c->label, err.line, err.col, err.message);
    const ps_toml_node *v = ps_toml_find(&t, "v");
    ck_assert_msg(v && v->type == c->type, "[%s] type %s", c->label,
                  v ? ps_toml_type_name(v->type) : "none");
    char num[32];
    if (c->type == PS_TOML_INTEGER) {
        snprintf(num, sizeof num, "%lld", (long long)v->integer);
        ck_assert_msg(strcmp(num, c->text) == 0, "[%s] %s, want %s", c->label, num, c->text);
    }
    if (c->type == PS_TOML_STRING)
        ck_assert_msg(v->text_len == strlen(c->text) && memcmp(v->text, c->text, v->text_len) == 0,
                      "[%s] '%s', want '%s'", c->label, v->text, c->text);
    ps_toml_free(&t);
}
END_TEST

/* A NUL written as an escape is text, not the end of it. */
START_TEST(test_escaped_nul)
{
    const char *src = "v = \"a\\u0000b\"\n";
    ps_toml t;
    ps_error err;
    ck_assert_int_eq(toml_parse_bytes(&t, src, strlen(src), &err), 0);
    const ps_toml_node *v = ps_toml_find(&t, "v");
    ck_assert_uint_eq(v->text_len, 3);
    ck_assert(memcmp(v->text, "a\0b", 3) == 0);
    ps_toml_free(&t);
}
END_TEST

/* clang-format off */
static const struct refused_value {
    const char *label;
    const char *data;
    int line, col;
    const char *what;
} refused_values[] = {
    /* integers */
    {"letters after digits", "offset = 1abc\n", 1, 11, "'a' in a base 10 integer"},
    {"leading zero", "v = 03\n", 1, 6, "leading zeros"},
    {"leading zero and a sign", "v = -01\n", 1, 7, "leading zeros"},
    {"sign on hex", "v = +0x10\n", 1, 5, "takes no sign"},
    {"sign on octal", "v = -0o7\n", 1, 5, "takes no sign"},
    {"capital X", "v = 0X10\n", 1, 6, "'X' in a base 10 integer"},
    {"no hex digits", "v = 0x\n", 1, 6, "needs digits"},
    {"octal 8", "v = 0o18\n", 1, 8, "'8' in a base 8 integer"},
    {"binary 2", "v = 0b102\n", 1, 9, "'2' in a base 2 integer"},
    {"double underscore", "v = 1__0\n", 1, 6, "'_' must stand between two digits"},
    {"trailing underscore", "v = 10_\n", 1, 7, "'_' must stand between two digits"},
    {"underscore after the prefix", "v = 0x_1\n", 1, 7, "'_' must stand between two digits"},
    {"leading underscore", "v = _1\n", 1, 5, "invalid value"},
    {"64-bit overflow", "v = 9223372036854775808\n", 1, 5, "does not fit in 64 bits"},
    {"64-bit underflow", "v = -9223372036854775809\n", 1, 5, "does not fit in 64 bits"},
    {"hex overflow", "v = 0x1_0000_0000_0000_0000\n", 1, 5, "does not fit in 64 bits"},
    {"double sign", "v = --1\n", 1, 5, "invalid value"},
    /* floats */
    {"float leading zero", "v = 03.14\n", 1, 6, "leading zeros"},
    {"float trailing dot", "v = 3.\n", 1, 6, "expected a digit"},
    {"float leading dot", "v = .5\n", 1, 5, "invalid value"},
    {"float exponent without digits", "v = 1e\n", 1, 6, "expected a digit"},
    {"float dot in the exponent", "v = 1e2.5\n", 1, 8, "invalid character in a float"},
    {"float underscore before the dot", "v = 1_.5\n", 1, 6, "'_' must stand between two digits"},
    {"capital inf", "v = Inf\n", 1, 5, "invalid value"},
    {"nan with a tail", "v = nan1\n", 1, 5, "invalid value"},
    /* booleans and bare words */
    {"capital True", "v = True\n", 1, 5, "invalid value"},
    {"tru", "v = tru\n", 1, 5, "invalid value"},
    {"an unquoted word", "hostname = localhost\n", 1, 12, "invalid value"},
    /* strings */
    {"\\q escape", "v = \"a\\qb\"\n", 1, 7, "invalid escape \\q"},
    {"\\x escape", "v = \"\\x41\"\n", 1, 6, "invalid escape \\x"},
    {"\\e escape (TOML 1.1 only)", "v = \"\\e\"\n", 1, 6, "invalid escape \\e"},
    {"\\u with three digits", "v = \"\\u00e\"\n", 1, 6, "\\u needs 4 hex digits"},
    {"\\u surrogate", "v = \"\\uD800\"\n", 1, 6, "not a Unicode scalar value"},
    {"\\U past U+10FFFF", "v = \"\\U00110000\"\n", 1, 6, "not a Unicode scalar value"},
    {"escape in a key", "\"a\\qb\" = 1\n", 1, 3, "invalid escape \\q"},
    {"backslash and a blank in a multi-line string", "v = \"\"\"a\\ b\"\"\"\n", 1, 9,
     "does not end the line"},
    {"\\q in a multi-line string", "v = \"\"\"\nx\\q\"\"\"\n", 2, 2, "invalid escape \\q"},
    {"raw tab is fine but a raw form feed is not", "v = \"a\tb\fc\"\n", 1, 9,
     "control character U+000C"},
    {"DEL in a literal string", "v = 'a\x7f'\n", 1, 7, "control character U+007F"},
    {"escape character in a comment", "# \x1b[31m\n", 1, 3, "control character U+001B"},
    {"bare CR in a multi-line string", "v = \"\"\"a\rb\"\"\"\n", 1, 9, "carriage return"},
    {"bare CR ending a line", "a = 1\rb = 2\n", 1, 6, "carriage return"},
    {"text after a string", "v = \"a\" \"b\"\n", 1, 9, "unexpected text after a value"},
    {"six quotes closing a multi-line string", "v = '''a''''''\n", 1, 14, "too many quotes"},
    /* dates and times */
    {"February 29 of a common year", "v = 2023-02-29\n", 1, 13, "day 29 is not in 2023-02"},
    {"February 29 of 1900", "v = 1900-02-29\n", 1, 13, "day 29 is not in 1900-02"},
    {"April 31", "v = 2024-04-31\n", 1, 13, "day 31"},
    {"month 13", "v = 2024-13-01\n", 1, 10, "month 13"},
    {"day 0", "v = 2024-01-00\n", 1, 13, "day 00"},
    {"hour 24", "v = 24:00:00\n", 1, 5, "hour 24 is past 23"},
    {"minute 60", "v = 2024-01-01T10:60:00\n", 1, 19, "minute 60 is past 59"},
    {"second 61", "v = 10:00:61\n", 1, 11, "second 61 is past 60"},
    {"no seconds", "v = 10:00\n", 1, 5, "seconds included"},
    {"one-digit day", "v = 2024-01-1\n", 1, 5, "a date is YYYY-MM-DD"},
    {"offset hour 24", "v = 2024-01-01T10:00:00+24:00\n", 1, 24, "out of range"},
    {"offset without minutes", "v = 2024-01-01T10:00:00+05\n", 1, 24, "+HH:MM"},
    {"offset on a local time", "v = 10:00:00Z\n", 1, 13, "has no offset"},
    {"a fraction without digits", "v = 10:00:00.\n", 1, 13, "needs digits"},
    {"a date with a T and nothing", "v = 2024-01-01T\n", 1, 16, "a time is HH:MM:SS"},
    /* UTF-8 */
    {"a lone continuation byte", "v = \"\x80\"\n", 1, 6, "invalid UTF-8 (byte 0x80)"},
    {"an overlong slash", "v = \"\xc0\xaf\"\n", 1, 6, "invalid UTF-8 (byte 0xC0)"},
    {"an encoded surrogate", "v = \"\xed\xa0\x80\"\n", 1, 6, "invalid UTF-8 (byte 0xED)"},
    {"past U+10FFFF", "v = \"\xf4\x90\x80\x80\"\n", 1, 6, "invalid UTF-8 (byte 0xF4)"},
    {"Latin-1 in a string", "v = \"caf\xe9\"\n", 1, 9, "invalid UTF-8 (byte 0xE9)"},
    {"cut at the end of the file", "v = 1 # \xe2\x82", 1, 9, "invalid UTF-8 (byte 0xE2)"},
    {"a UTF-16 byte order mark", "\xff\xfev = 1\n", 1, 1, "invalid UTF-8 (byte 0xFF)"},
};
/* clang-format on */

START_TEST(test_refused_value)
{
    const struct refused_value *c = &refused_values[_i];
    ps_toml t;
    ps_error err;
    int rc = toml_parse_bytes(&t, c->data, strlen(c->data), &err);
    ps_toml_free(&t);
    assert_toml_refused(c->label, rc, &err, TOML_PATH, c->line, c->col, c->what);
}
END_TEST

static Suite *toml_value_suite(void)
{
    Suite *s = suite_create("toml_value");
    TCase *tc = tcase_create("int");
    tcase_add_loop_test(tc, test_int, 0, N(int_cases));
    tcase_add_test(tc, test_int_bounds);
    tcase_add_loop_test(tc, test_int_format, 0, N(format_cases));
    suite_add_tcase(s, tc);
    tc = tcase_create("values");
    tcase_add_loop_test(tc, test_value, 0, N(value_cases));
    tcase_add_test(tc, test_escaped_nul);
    tcase_add_loop_test(tc, test_refused_value, 0, N(refused_values));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = run_suite(toml_value_suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
