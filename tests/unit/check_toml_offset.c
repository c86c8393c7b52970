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
 *
 * An API Manager home moved from its default offset also gets its redirect
 * key (check_toml_keys.c covers where it goes): with_redirect says the bytes.
 */
#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"
#include "../support/runner.h"
#include "../support/xalloc.h"
#include "base/strbuf.h"
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

/* `at3` and what an API Manager home moved from offset 0 to 3 gets besides:
 * these files have no [transport.http.properties], so the HTTP connector's
 * redirect key comes in a new marked table at the end, after a blank line,
 * in the file's line endings (with none after it where the file had no final
 * newline). Caller frees. */
static char *with_redirect(const char *at3)
{
    const char *eol = strstr(at3, "\r\n") ? "\r\n" : "\n";
    size_t n = strlen(at3);
    int ends = n && at3[n - 1] == '\n';
    return xasprintf("%s%s%s[transport.http.properties]  # portshift%s"
                     "redirectPort = 9446  # portshift%s",
                     at3, ends ? "" : eol, eol, eol, ends ? eol : "");
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
    /* not set: a marked key is added where TOML reads it as [server] offset,
     * and taken out again at the default offset */
    {"after the shipped comment", "[server]\nhostname = \"h\"\n#offset=0\nnode_ip = \"x\"\n",
     "[server]\nhostname = \"h\"\n#offset=0\noffset = 3  # portshift\nnode_ip = \"x\"\n", 0, 1},
    {"next to the root's server.* keys",
     "server.hostname = \"h\"\nserver.node_ip = \"x\"\ntop = 1\n[apim]\nx = 1\n",
     "server.hostname = \"h\"\nserver.node_ip = \"x\"\nserver.offset = 3  # portshift\ntop = 1\n"
     "[apim]\nx = 1\n", 0, 1},
    {"next to the root's server.* keys, not in a [server.sub] section",
     "server.hostname = \"h\"\n[server.sub]\nx = 1\n",
     "server.hostname = \"h\"\nserver.offset = 3  # portshift\n[server.sub]\nx = 1\n", 0, 1},
    {"a [server] only its sub-tables named", "[server.extra]\nx = 1\n",
     "[server.extra]\nx = 1\n\n[server]  # portshift\noffset = 3  # portshift\n", 0, 1},
    {"no server at all, no final newline", "[apim]\nx = 1",
     "[apim]\nx = 1\n\n[server]  # portshift\noffset = 3  # portshift", 0, 1},
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
    char *want = c->orig == 0 ? with_redirect(c->after) : xstrdup(c->after);
    ck_assert_msg(len == strlen(want) && memcmp(now, want, len) == 0,
                  "[%s] after apply:\n%.*s\nwant:\n%s", c->label, (int)len, now, want);
    free(want);
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

/* ---- the way back: the lines portshift added are taken out again ---- */

#define MI "wso2mi-4.2.0"
#define MI_TOML "conf/deployment.toml"

/* clang-format off */
static const struct back_case {
    const char *label;
    int mi;             /* a Micro Integrator home (default offset 10), else API Manager (0) */
    const char *before; /* at the product's default offset */
    const char *at3;    /* after apply --offset 3 */
} back_cases[] = {
    {"after the shipped comment", 0, "[server]\nhostname = \"h\"\n#offset=0\nnode_ip = \"x\"\n",
     "[server]\nhostname = \"h\"\n#offset=0\noffset = 3  # portshift\nnode_ip = \"x\"\n"},
    {"right after the header", 0, "[server]\nhostname = \"h\"\n[apim]\nx = 1\n",
     "[server]\noffset = 3  # portshift\nhostname = \"h\"\n[apim]\nx = 1\n"},
    {"CRLF", 0, "[server]\r\nhostname = \"h\"\r\n[apim]\r\nx = 1\r\n",
     "[server]\r\noffset = 3  # portshift\r\nhostname = \"h\"\r\n[apim]\r\nx = 1\r\n"},
    {"[server] last, no final newline", 0, "[apim]\nx = 1\n[server]",
     "[apim]\nx = 1\n[server]\noffset = 3  # portshift"},
    {"[server] last, CRLF, no final newline", 0, "[apim]\r\nx = 1\r\n[server]",
     "[apim]\r\nx = 1\r\n[server]\r\noffset = 3  # portshift"},
    {"no [server]", 0, "[apim]\nx = 1\n",
     "[apim]\nx = 1\n\n[server]  # portshift\noffset = 3  # portshift\n"},
    {"no [server], no final newline", 0, "[apim]\nx = 1",
     "[apim]\nx = 1\n\n[server]  # portshift\noffset = 3  # portshift"},
    {"no [server], CRLF", 0, "[apim]\r\nx = 1\r\n",
     "[apim]\r\nx = 1\r\n\r\n[server]  # portshift\r\noffset = 3  # portshift\r\n"},
    {"no [server], CRLF, no final newline", 0, "[apim]\r\nx = 1",
     "[apim]\r\nx = 1\r\n\r\n[server]  # portshift\r\noffset = 3  # portshift"},
    {"no [server], a blank line at the end", 0, "[apim]\nx = 1\n\n",
     "[apim]\nx = 1\n\n\n[server]  # portshift\noffset = 3  # portshift\n"},
    {"root dotted keys", 0, "server.hostname = \"h\"\n[apim]\nx = 1\n",
     "server.hostname = \"h\"\nserver.offset = 3  # portshift\n[apim]\nx = 1\n"},
    {"Micro Integrator, default 10", 1, "[server]\nhostname = \"localhost\"\n",
     "[server]\noffset = 3  # portshift\nhostname = \"localhost\"\n"},
    {"Micro Integrator, no [server]", 1, "[keystore.primary]\nalias = \"a\"\n",
     "[keystore.primary]\nalias = \"a\"\n\n[server]  # portshift\noffset = 3  # portshift\n"},
    /* written by hand, unmarked: replaced in place, never taken out */
    {"a key written by hand", 0, "[server]\noffset = 0\n", "[server]\noffset = 3\n"},
    {"a key written by hand, Micro Integrator", 1, "[server]\noffset = 10\n",
     "[server]\noffset = 3\n"},
};
/* clang-format on */

static const char *back_home(const struct back_case *c)
{
    return c->mi ? MI : HOME;
}

static void back_put(const fx *f, const struct back_case *c, const char *text)
{
    char rel[256];
    snprintf(rel, sizeof rel, "%s/%s", back_home(c), c->mi ? MI_TOML : TOML);
    put(in(f, rel), text);
}

static void back_apply(const fx *f, const struct back_case *c, long offset)
{
    cli_result r = cli(f, "apply --offset %ld %s", offset, back_home(c));
    ck_assert_msg(r.status == 0, "[%s] apply --offset %ld: exit %d: %s", c->label, offset, r.status,
                  r.err);
    cli_result_free(&r);
}

static void back_expect(const fx *f, const struct back_case *c, const char *want, const char *how)
{
    char rel[256];
    snprintf(rel, sizeof rel, "%s/%s", back_home(c), c->mi ? MI_TOML : TOML);
    char *data;
    size_t len;
    ps_error err;
    ck_assert_int_eq(ps_file_read(in(f, rel), &data, &len, &err), 0);
    ck_assert_msg(len == strlen(want) && memcmp(data, want, len) == 0,
                  "[%s] %s:\n[%.*s]\nwant:\n[%s]", c->label, how, (int)len, data, want);
    free(data);
}

/* default -> 3 adds the marked line(s); 3 -> 3 changes nothing; default -> 2 -> 3
 * gives the same bytes; 3 -> default gives the original bytes back. The
 * marked file is TOML 1.0 that reads offset 3. */
START_TEST(way_back_restores_every_byte)
{
    const struct back_case *c = &back_cases[_i];
    long dflt = c->mi ? 10 : 0;
    fx f;
    fx_open(&f);
    char dir[256];
    snprintf(dir, sizeof dir, "%s/%s", back_home(c), c->mi ? "conf" : "repository/conf");
    ck_assert_int_eq(run_cmd("mkdir -p '%s'", in(&f, dir)), 0);
    back_put(&f, c, c->before);

    char *at3 = c->mi ? xstrdup(c->at3) : with_redirect(c->at3);
    back_apply(&f, c, 3);
    back_expect(&f, c, at3, "at 3");
    ps_toml t;
    ps_error err;
    ck_assert_msg(ps_toml_parse(&t, TOML, at3, strlen(at3), &err) == 0, "[%s] %d:%d %s", c->label,
                  err.line, err.col, err.message);
    const ps_toml_node *off = ps_toml_find(&t, "server.offset");
    ck_assert_msg(off && off->type == PS_TOML_INTEGER && off->integer == 3, "[%s] no offset 3",
                  c->label);
    ps_toml_free(&t);

    back_apply(&f, c, 3);
    back_expect(&f, c, at3, "3 -> 3");
    back_apply(&f, c, dflt);
    back_expect(&f, c, c->before, "3 -> default");
    back_apply(&f, c, 2);
    back_apply(&f, c, 3);
    back_expect(&f, c, at3, "default -> 2 -> 3");
    free(at3);
    back_apply(&f, c, 7);
    back_apply(&f, c, dflt);
    back_expect(&f, c, c->before, "3 -> 7 -> default");
    fx_close(&f);
}
END_TEST

/* A key the user added under the [server] portshift made keeps its table:
 * only the marked key line goes. */
START_TEST(way_back_keeps_a_table_in_use)
{
    fx f;
    fx_open(&f);
    home_with(&f, "[apim]\nx = 1\n");
    cli_result r = cli(&f, "apply --offset 3 " HOME);
    ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
    cli_result_free(&r);
    size_t len;
    char *now = toml_now(&f, &len);
    char *at3 = with_redirect("[apim]\nx = 1\n\n[server]  # portshift\noffset = 3  # portshift\n");
    ck_assert_str_eq(now, at3);
    free(at3);
    free(now);
    put(in(&f, HOME "/" TOML),
        "[apim]\nx = 1\n\n[server]  # portshift\noffset = 3  # portshift\nhostname = \"h\"\n");
    r = cli(&f, "apply --offset 0 " HOME);
    ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
    cli_result_free(&r);
    now = toml_now(&f, &len);
    ck_assert_str_eq(now, "[apim]\nx = 1\n\n[server]  # portshift\nhostname = \"h\"\n");
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
    char *at3 = with_redirect("[server]\noffset = 3\n");
    ck_assert_str_eq(now, at3);
    free(at3);
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
    tcase_add_loop_test(tc, way_back_restores_every_byte, 0, N(back_cases));
    tcase_add_test(tc, way_back_keeps_a_table_in_use);
    suite_add_tcase(s, tc);
    int failed = run_suite(s);
    fx_suite_done();
    return failed ? 1 : 0;
}
