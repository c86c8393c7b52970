/*
 * deployment.toml's `[server] offset` through the CLI (DESIGN §2.7), on a
 * scratch API Manager 4.2 home that holds only the file under test:
 *
 * - written in any valid integer form (0x10, 1_0, +5, 0o17, 0b101, quoted
 *   keys, server.offset at the root), `apply --offset 3` replaces it where it
 *   stands, in the same form: exactly one offset, holding 3, in a file the
 *   strict reader accepts; a second apply and a diff find nothing to do, and
 *   applying the original offset gives the original bytes back;
 * - not an integer, out of range, or in a `server` that is no plain table,
 *   and any document TOML rejects: `apply`, `diff` and `plan` exit 2 with
 *   "portshift: path:line:col: error: ..." at the offending byte and every
 *   byte stays as it was.
 */
#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"
#include "../support/runner.h"
#include "parse/file.h"
#include "parse/toml.h"

#define HOME "wso2am-4.2.0"
#define TOML "repository/conf/deployment.toml"
#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

/* A scratch home whose deployment.toml is `text`. */
static void home_with(const fx *f, const char *text)
{
    ck_assert_int_eq(run_cmd("mkdir -p '%s'", in(f, HOME "/repository/conf")), 0);
    put(in(f, HOME "/" TOML), text);
}

static char *toml_now(const fx *f, size_t *len)
{
    char *data;
    ps_error err;
    ck_assert_int_eq(ps_file_read(in(f, HOME "/" TOML), &data, len, &err), 0);
    return data;
}

/* ---- valid integer forms: replaced where they stand ---- */

/* clang-format off */
static const struct form_case {
    const char *label;
    const char *before;
    const char *after; /* after apply --offset 3 */
    long orig;         /* the offset before */
    int restores;      /* apply --offset orig gives `before` back */
} form_cases[] = {
    {"hex", "[server]\nhostname = \"localhost\"\noffset = 0x10\n",
     "[server]\nhostname = \"localhost\"\noffset = 0x3\n", 16, 1},
    /* 0x0003 has no letter to keep the case in: 10 comes back as 0x000a */
    {"hex, upper case, zero-padded", "[server]\noffset = 0x000A # ten\n",
     "[server]\noffset = 0x0003 # ten\n", 10, 0},
    {"underscores", "[server]\noffset = 1_0\n", "[server]\noffset = 3\n", 10, 0},
    {"a plus sign", "[server]\noffset = +5\n", "[server]\noffset = +3\n", 5, 1},
    {"octal", "[server]\noffset = 0o17\n", "[server]\noffset = 0o3\n", 15, 1},
    {"binary", "[server]\noffset = 0b101\n", "[server]\noffset = 0b11\n", 5, 1},
    {"minus zero", "[server]\noffset = -0\n", "[server]\noffset = 3\n", 0, 0},
    {"decimal with a comment and CRLF", "[server]\r\noffset = 7   # shifted\r\n[apim]\r\n",
     "[server]\r\noffset = 3   # shifted\r\n[apim]\r\n", 7, 1},
    {"quoted table and key", "[\"server\"]\n'offset' = 12\n", "[\"server\"]\n'offset' = 3\n",
     12, 1},
    {"spaced header", "[ server ]\noffset=0x10\n", "[ server ]\noffset=0x3\n", 16, 1},
    {"server.offset at the root", "server.offset = 0x10\nserver.hostname = \"h\"\n[apim]\n",
     "server.offset = 0x3\nserver.hostname = \"h\"\n[apim]\n", 16, 1},
    {"quoted dotted key at the root", "\"server\".'offset' = 20\n",
     "\"server\".'offset' = 3\n", 20, 1},
    /* not set: a key is added where TOML reads it as [server] offset */
    {"after the shipped comment", "[server]\nhostname = \"h\"\n#offset=0\nnode_ip = \"x\"\n",
     "[server]\nhostname = \"h\"\n#offset=0\noffset = 3\nnode_ip = \"x\"\n", 0, 0},
    {"next to the root's server.* keys",
     "server.hostname = \"h\"\nserver.node_ip = \"x\"\ntop = 1\n[apim]\nx = 1\n",
     "server.hostname = \"h\"\nserver.node_ip = \"x\"\nserver.offset = 3\ntop = 1\n[apim]\nx = 1\n",
     0, 0},
    {"next to the root's server.* keys, not in a [server.sub] section",
     "server.hostname = \"h\"\n[server.sub]\nx = 1\n",
     "server.hostname = \"h\"\nserver.offset = 3\n[server.sub]\nx = 1\n", 0, 0},
    {"a [server] only its sub-tables named", "[server.extra]\nx = 1\n",
     "[server.extra]\nx = 1\n\n[server]\noffset = 3\n", 0, 0},
    {"no server at all, no final newline", "[apim]\nx = 1",
     "[apim]\nx = 1\n\n[server]\noffset = 3\n", 0, 0},
};
/* clang-format on */

START_TEST(valid_form_replaced_where_it_stands)
{
    const struct form_case *c = &form_cases[_i];
    fx f;
    fx_open(&f);
    home_with(&f, c->before);
    cli_result r = cli(&f, "apply --offset 3 " HOME);
    ck_assert_msg(r.status == 0, "[%s] apply: exit %d: %s", c->label, r.status, r.err);
    cli_result_free(&r);

    size_t len;
    char *now = toml_now(&f, &len);
    ck_assert_msg(len == strlen(c->after) && memcmp(now, c->after, len) == 0,
                  "[%s] after apply:\n%.*s\nwant:\n%s", c->label, (int)len, now, c->after);
    /* The strict reader takes the file, and reads exactly one offset: 3. */
    ps_toml t;
    ps_error err;
    ck_assert_msg(ps_toml_parse(&t, TOML, now, len, &err) == 0, "[%s] %d:%d %s", c->label, err.line,
                  err.col, err.message);
    const ps_toml_node *off = ps_toml_find(&t, "server.offset");
    ck_assert_msg(off && off->type == PS_TOML_INTEGER && off->integer == 3, "[%s] no offset 3",
                  c->label);
    ps_toml_free(&t);
    free(now);

    /* Nothing left to do. */
    snapshot before, after;
    snapshot_take(&before, f.scratch);
    r = cli(&f, "diff --offset 3 " HOME);
    ck_assert_msg(r.status == 0 && r.out[0] == '\0', "[%s] second diff: exit %d:\n%s", c->label,
                  r.status, r.out);
    cli_result_free(&r);
    r = cli(&f, "apply --offset 3 " HOME);
    ck_assert_msg(r.status == 0, "[%s] second apply: exit %d: %s", c->label, r.status, r.err);
    cli_result_free(&r);
    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, c->label);
    snapshot_free(&before);
    snapshot_free(&after);

    /* Back to where it was. */
    r = cli(&f, "apply --offset %ld " HOME, c->orig);
    ck_assert_msg(r.status == 0, "[%s] apply back: exit %d: %s", c->label, r.status, r.err);
    cli_result_free(&r);
    now = toml_now(&f, &len);
    int restored = len == strlen(c->before) && memcmp(now, c->before, len) == 0;
    ck_assert_msg(restored == c->restores, "[%s] back at %ld: restored %d, want %d:\n%.*s",
                  c->label, c->orig, restored, c->restores, (int)len, now);
    free(now);
    fx_close(&f);
}
END_TEST

/* ---- refused: the error contract, every byte as it was ---- */

#define PATH HOME "/" TOML

/* clang-format off */
static const struct refused_case {
    const char *label;
    const char *text;
    int line, col;
    const char *needle;
} refused_cases[] = {
    /* an offset that is no integer, or no offset */
    {"a string", "[server]\noffset = \"3\"\n", 2, 10, "[server] offset is a string, not an integer"},
    {"a float", "[server]\noffset = 3.0\n", 2, 10, "[server] offset is a float, not an integer"},
    {"a boolean", "[server]\noffset = true\n", 2, 10, "[server] offset is a boolean"},
    {"an array", "[server]\noffset = [3]\n", 2, 10, "[server] offset is an array"},
    {"an inline table", "[server]\noffset = { v = 3 }\n", 2, 10,
     "[server] offset is an inline table"},
    {"a date", "[server]\noffset = 1979-05-27\n", 2, 10, "[server] offset is a local date"},
    {"a table", "[server]\nx = 1\n[server.offset]\nv = 3\n", 3, 9, "[server] offset is a table"},
    {"a table made by dotted keys", "[server]\noffset.v = 3\n", 2, 1,
     "[server] offset is a table"},
    {"negative", "[server]\noffset = -3\n", 2, 10, "[server] offset -3 is not an offset from 0 to 65535"},
    {"past the port range", "[server]\noffset = 0x11170\n", 2, 10,
     "[server] offset 70000 is not an offset"},
    {"past 64 bits", "[server]\noffset = 99999999999999999999\n", 2, 10,
     "invalid TOML: integer does not fit in 64 bits"},
    /* a server that is no plain table */
    {"server as an inline table", "server = { offset = 3 }\n", 1, 1,
     "'server' is an inline table: portshift sets the offset only in a plain [server] table"},
    {"server as an inline table without offset", "server = { hostname = \"h\" }\n", 1, 1,
     "'server' is an inline table"},
    {"server as an array of tables", "[[server]]\noffset = 3\n", 1, 3,
     "'server' is an array of tables"},
    {"server as a string", "server = \"localhost\"\n", 1, 1, "'server' is a string"},
    /* documents TOML rejects */
    {"offset twice", "[server]\noffset = 1\noffset = 2\n", 3, 1,
     "invalid TOML: key 'offset' is already defined (2:1)"},
    {"offset twice, one dotted at the root", "server.offset = 1\n[server]\noffset = 2\n", 2, 2,
     "invalid TOML: table [server] is defined twice (first at 1:1)"},
    {"a second [server]", "[server]\nhostname = \"h\"\n[apim]\n[server]\noffset = 2\n", 4, 2,
     "invalid TOML: table [server] is defined twice (first at 1:2)"},
    {"a duplicate key elsewhere", "[server]\noffset = 0\n[apim.cors]\nx = 1\nx = 2\n", 5, 1,
     "invalid TOML: key 'x' is already defined (4:1)"},
    {"offset = 1abc", "[server]\noffset = 1abc\n", 2, 11, "invalid TOML: 'a' in a base 10 integer"},
    {"a \\q escape", "[server]\nhostname = \"local\\qhost\"\n", 2, 18,
     "invalid TOML: invalid escape \\q"},
    {"invalid UTF-8", "[server]\nhostname = \"caf\xe9\"\n", 2, 16, "invalid TOML: invalid UTF-8"},
    {"a leading zero", "[server]\noffset = 03\n", 2, 11, "invalid TOML: a decimal integer has no leading zeros"},
    {"a sign on hex", "[server]\noffset = +0x3\n", 2, 10, "invalid TOML: a hex, octal or binary integer takes no sign"},
};
/* clang-format on */

START_TEST(refused_with_position_and_nothing_written)
{
    const struct refused_case *c = &refused_cases[_i];
    fx f;
    fx_open(&f);
    home_with(&f, c->text);
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 " HOME, PATH, c->line, c->col, c->needle);
    fx_close(&f);
}
END_TEST

/* The positive control of the refusals: the same home with a plain offset applies. */
START_TEST(plain_offset_applies)
{
    fx f;
    fx_open(&f);
    home_with(&f, "[server]\noffset = 0\n");
    diff_pending(&f, "--offset 3 " HOME, "a plain offset");
    cli_result r = cli(&f, "apply --offset 3 " HOME);
    ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
    cli_result_free(&r);
    size_t len;
    char *now = toml_now(&f, &len);
    ck_assert_str_eq(now, "[server]\noffset = 3\n");
    free(now);
    fx_close(&f);
}
END_TEST

int main(void)
{
    if (fx_suite_root("toml-offset") < 0)
        return 1;
    Suite *s = suite_create("toml_offset");
    TCase *tc = tcase_create("offset");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, plain_offset_applies);
    tcase_add_loop_test(tc, valid_form_replaced_where_it_stands, 0, N(form_cases));
    tcase_add_loop_test(tc, refused_with_position_and_nothing_written, 0, N(refused_cases));
    suite_add_tcase(s, tc);
    int failed = run_suite(s);
    fx_suite_done();
    return failed ? 1 : 0;
}
