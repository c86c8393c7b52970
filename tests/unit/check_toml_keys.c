/*
 * deployment.toml keys beyond the offset (DESIGN §1, §2.7): in toml mode the
 * HTTP connector's redirectPort is rendered into catalina-server.xml from
 * [transport.http.properties] redirectPort (default.json: 9443), and Carbon
 * does not offset it. On a copy of the Identity Server 7.1 corpus tree whose
 * deployment.toml is the case's text:
 *
 * - `apply --offset 3` sets redirectPort = 9446 in the form its table allows
 *   (a line in [transport.http.properties], a dotted key where dotted keys
 *   made the table, a new table at the end), marked "# portshift"; a key the
 *   user wrote is replaced where it stands; the file reads back with the
 *   strict reader, a second diff is empty, and `check` has nothing to say
 *   about the key;
 * - applying the original offset gives every byte back, and 0 -> 2 -> 3
 *   gives the bytes of 0 -> 3;
 * - an inline table cannot take a line: no edit, and `check` names the key.
 *
 * Then the corpus homes as shipped: IS 7.1 moved to offset 1 checks clean,
 * and `batch --apply` of API-M 4.2 and IS 7.1 writes the key of whichever
 * home moves, which python3's tomllib reads too (skipped without it).
 */
#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/corpus.h"
#include "../support/fixture.h"
#include "../support/runner.h"
#include "parse/file.h"
#include "parse/toml.h"

#define IS71 "wso2is-7.1.0"
#define AM42 "wso2am-4.2.0"
#define TOML "repository/conf/deployment.toml"
#define KEY "transport.http.properties.redirectPort"

static int have_corpus(const char *test)
{
    if (corpus_has(IS71) && corpus_has(AM42))
        return 1;
    case_skipped(test, "corpus trees " IS71 " and " AM42 " not found");
    return 0;
}

static char *read_all(const char *path, size_t *len)
{
    char *data;
    ps_error err;
    ck_assert_msg(ps_file_read(path, &data, len, &err) == 0, "%s: %s", path, err.message);
    return data;
}

/* The port `key` of deployment.toml `path` holds, read by the strict reader:
 * an integer or a string of digits; -1 when absent. The file must parse. */
static long key_port(const char *path, const char *key)
{
    size_t len;
    char *data = read_all(path, &len);
    ps_toml t;
    ps_error err;
    ck_assert_msg(ps_toml_parse(&t, path, data, len, &err) == 0, "%s:%d:%d: %s", path, err.line,
                  err.col, err.message);
    const ps_toml_node *n = ps_toml_find(&t, key);
    long v = -1;
    if (n && n->type == PS_TOML_INTEGER)
        v = (long)n->integer;
    else if (n && n->type == PS_TOML_STRING)
        v = strtol(n->text, NULL, 10);
    else
        ck_assert_msg(n == NULL, "%s: %s is %s", path, key, ps_toml_kind_name(n));
    ps_toml_free(&t);
    free(data);
    return v;
}

/* scratch/is: the IS 7.1 tree with `text` as its deployment.toml. */
static void is_with(const fx *f, const char *text)
{
    corpus_copy(IS71, f->scratch, "is");
    put(in(f, "is/" TOML), text);
}

static void apply_ok(const fx *f, const char *home, long offset)
{
    cli_result r = cli(f, "apply --offset %ld %s", offset, home);
    ck_assert_msg(r.status == 0, "apply --offset %ld %s: exit %d: %s", offset, home, r.status,
                  r.err);
    cli_result_free(&r);
}

static void toml_is(const fx *f, const char *want, const char *what)
{
    size_t len;
    char *now = read_all(in(f, "is/" TOML), &len);
    ck_assert_msg(len == strlen(want) && memcmp(now, want, len) == 0, "%s:\n%.*s\nwant:\n%s", what,
                  (int)len, now, want);
    free(now);
}

/* clang-format off */
static const struct form_case {
    const char *label;
    const char *before; /* at offset 0 */
    const char *after;  /* after apply --offset 3 */
} form_cases[] = {
    {"its table: after its last key line",
     "[server]\noffset = 0\n\n[transport.http.properties]\nport = 9763\nmaxThreads = 250\n"
     "# tuning\n\n[super_admin]\nusername = \"admin\"\n",
     "[server]\noffset = 3\n\n[transport.http.properties]\nport = 9763\nmaxThreads = 250\n"
     "redirectPort = 9446  # portshift\n# tuning\n\n[super_admin]\nusername = \"admin\"\n"},
    {"dotted keys under [transport]",
     "[server]\noffset = 0\n[transport]\nhttp.properties.port = 9763\n"
     "https.properties.port = 9443\n[x]\ny = 1\n",
     "[server]\noffset = 3\n[transport]\nhttp.properties.port = 9763\n"
     "http.properties.redirectPort = 9446  # portshift\nhttps.properties.port = 9443\n[x]\ny = 1\n"},
    {"dotted keys at the root",
     "transport.http.properties.port = 9763\n[server]\noffset = 0\n",
     "transport.http.properties.port = 9763\n"
     "transport.http.properties.redirectPort = 9446  # portshift\n[server]\noffset = 3\n"},
    {"no table: a new one at the end",
     "[server]\noffset = 0\n",
     "[server]\noffset = 3\n\n[transport.http.properties]  # portshift\n"
     "redirectPort = 9446  # portshift\n"},
    {"no table, CRLF, no final newline",
     "[server]\r\noffset = 0",
     "[server]\r\noffset = 3\r\n\r\n[transport.http.properties]  # portshift\r\n"
     "redirectPort = 9446  # portshift"},
    {"neither [server] nor the table, no final newline: two tables at the end",
     "[super_admin]\nusername = \"admin\"",
     "[super_admin]\nusername = \"admin\"\n\n[server]  # portshift\noffset = 3  # portshift"
     "\n\n[transport.http.properties]  # portshift\nredirectPort = 9446  # portshift"},
    {"the table last, no final newline, no [server]: the key line before the new table",
     "[transport.http.properties]\nport = 9763",
     "[transport.http.properties]\nport = 9763\nredirectPort = 9446  # portshift"
     "\n\n[server]  # portshift\noffset = 3  # portshift"},
    {"the user's key: replaced where it stands",
     "[server]\noffset = 0\n[transport.http.properties]\nredirectPort = 9443 # mine\n",
     "[server]\noffset = 3\n[transport.http.properties]\nredirectPort = 9446 # mine\n"},
    {"the user's key as a string",
     "[server]\noffset = 0\n[transport.http.properties]\nredirectPort = \"9443\"\n",
     "[server]\noffset = 3\n[transport.http.properties]\nredirectPort = \"9446\"\n"},
};
/* clang-format on */

START_TEST(key_written_in_its_form_and_taken_back)
{
    const struct form_case *c = &form_cases[_i];
    if (!have_corpus("key_written_in_its_form_and_taken_back"))
        return;
    fx f;
    fx_open(&f);
    is_with(&f, c->before);
    apply_ok(&f, "is", 3);
    toml_is(&f, c->after, c->label);
    ck_assert_int_eq(key_port(in(&f, "is/" TOML), KEY), 9446);

    cli_result r = cli(&f, "diff --offset 3 is");
    ck_assert_msg(r.status == 0 && r.out[0] == '\0', "[%s] second diff: exit %d:\n%s", c->label,
                  r.status, r.out);
    cli_result_free(&r);
    r = cli(&f, "check is");
    ck_assert_msg(r.status == 0 && !strstr(r.out, "redirectPort"), "[%s] check: exit %d:\n%s",
                  c->label, r.status, r.out);
    cli_result_free(&r);

    apply_ok(&f, "is", 0);
    toml_is(&f, c->before, c->label);
    /* path independence: 0 -> 2 -> 3 is 0 -> 3 */
    apply_ok(&f, "is", 2);
    ck_assert_int_eq(key_port(in(&f, "is/" TOML), KEY), 9445);
    apply_ok(&f, "is", 3);
    toml_is(&f, c->after, c->label);
    fx_close(&f);
}
END_TEST

/* An inline table is closed (TOML 1.0): no line can go in it, so nothing is
 * edited but the offset, and check names the key to set. */
START_TEST(inline_table_gets_a_note)
{
    if (!have_corpus("inline_table_gets_a_note"))
        return;
    fx f;
    fx_open(&f);
    is_with(&f, "[server]\noffset = 0\n[transport.http]\nproperties = { port = 9763 }\n");
    apply_ok(&f, "is", 3);
    toml_is(&f, "[server]\noffset = 3\n[transport.http]\nproperties = { port = 9763 }\n",
            "inline table");
    cli_result r = cli(&f, "check is");
    ck_assert_msg(r.status == 0 && strstr(r.out, ": note: 9443 should be 9446") &&
                      strstr(r.out, "set redirectPort = 9446 in its [transport.http.properties] "
                                    "table"),
                  "exit %d:\n%s", r.status, r.out);
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

/* The shipped IS 7.1 moved to offset 1: its generated files are judged by
 * what deployment.toml renders, so nothing is left to note. */
START_TEST(identity_server_at_offset_1_checks_clean)
{
    if (!have_corpus("identity_server_at_offset_1_checks_clean"))
        return;
    fx f;
    fx_open(&f);
    corpus_copy(IS71, f.scratch, "is");
    cli_result p = cli(&f, "plan --offset 1 is");
    ck_assert_msg(p.status == 0 &&
                      strstr(p.out, ": reference 9443, key " KEY ": follows servlet transport "
                                    "(Tomcat connector) 9443 -> 9444 (this runtime), "
                                    "key added\n"),
                  "plan: exit %d:\n%s", p.status, p.out);
    cli_result_free(&p);
    apply_ok(&f, "is", 1);
    ck_assert_int_eq(key_port(in(&f, "is/" TOML), KEY), 9444);
    ck_assert(file_holds(in(&f, "is/" TOML), "\nredirectPort = 9444  # portshift\n"));
    cli_result r = cli(&f, "check is");
    ck_assert_msg(r.status == 0 && !strstr(r.out, "redirectPort") &&
                      strstr(r.out, "0 findings, 0 notes\n"),
                  "exit %d:\n%s", r.status, r.out);
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

/* batch --apply of API-M 4.2 and IS 7.1, both at 0: the home that moves gets
 * redirectPort = its new HTTPS port; the IS, named second, is the one. */
static void batch_both(fx *f, long *am, long *is)
{
    corpus_copy(AM42, f->scratch, "am");
    corpus_copy(IS71, f->scratch, "is");
    cli_result r = cli(f, "batch --apply am is");
    ck_assert_msg(r.status == 0, "batch --apply: exit %d: %s", r.status, r.err);
    cli_result_free(&r);
    *am = key_port(in(f, "am/" TOML), "server.offset");
    *is = key_port(in(f, "is/" TOML), "server.offset");
}

START_TEST(batch_writes_the_key_of_the_home_that_moves)
{
    if (!have_corpus("batch_writes_the_key_of_the_home_that_moves"))
        return;
    fx f;
    fx_open(&f);
    long am, is;
    batch_both(&f, &am, &is);
    ck_assert_msg(is > 0, "the IS did not move (offset %ld)", is);
    ck_assert_int_eq(key_port(in(&f, "is/" TOML), KEY), 9443 + is);
    /* the API-M: the key at its new HTTPS port when it moved, else absent */
    ck_assert_int_eq(key_port(in(&f, "am/" TOML), KEY), am > 0 ? 9443 + am : -1);

    cli_result r = cli(&f, "check am is");
    ck_assert_msg(r.status == 0, "check: exit %d:\n%s", r.status, r.out);
    ck_assert_msg(!strstr(r.out, "redirectPort") && !strstr(r.out, "deployment.toml key") &&
                      !strstr(r.out, "is/repository/conf/"),
                  "check:\n%s", r.out);
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

START_TEST(python_tomllib_reads_what_batch_wrote)
{
    if (!have_corpus("python_tomllib_reads_what_batch_wrote"))
        return;
    if (run_cmd("python3 -c 'import tomllib' >/dev/null 2>&1") != 0) {
        case_skipped("python_tomllib_reads_what_batch_wrote",
                     "python3 with tomllib (3.11 or later) not found");
        return;
    }
    fx f;
    fx_open(&f);
    long am, is;
    batch_both(&f, &am, &is);
    ck_assert_msg(
        run_cmd("python3 -c 'import sys, tomllib; d = tomllib.load(open(sys.argv[1], \"rb\")); "
                "sys.exit(d[\"transport\"][\"http\"][\"properties\"][\"redirectPort\"] != %ld "
                "or d[\"server\"][\"offset\"] != %ld)' '%s'",
                9443 + is, is, in(&f, "is/" TOML)) == 0,
        "tomllib does not read redirectPort = %ld, offset = %ld", 9443 + is, is);
    fx_close(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("toml_keys");
    TCase *tc = tcase_create("keys");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, key_written_in_its_form_and_taken_back, 0, N(form_cases));
    tcase_add_test(tc, inline_table_gets_a_note);
    tcase_add_test(tc, identity_server_at_offset_1_checks_clean);
    tcase_add_test(tc, batch_writes_the_key_of_the_home_that_moves);
    tcase_add_test(tc, python_tomllib_reads_what_batch_wrote);
    suite_add_tcase(s, tc);
    return fx_run_suite("toml-keys", s);
}
