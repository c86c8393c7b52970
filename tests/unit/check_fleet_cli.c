/*
 * `portshift fleet check` (issue 18, item 3) on facts gathered by
 * `portshift facts` from copies of corpus trees: a gateway host (API-M 4.2
 * whose [apim.key_manager] service_url is https://km1.example:9443/services/)
 * and a key-manager host km1.example (IS 7.1). The IS at offset 1: a stale
 * finding named GATEWAY:PATH:LINE:COL with 9444, exit 1; at offset 0: exit
 * 0; km1.example known to nobody: a note, exit 0. JSON validates against
 * schemas/fleet.schema.json; a file that is not facts is one line at its
 * line:col, exit 2. Skips when the corpus is absent.
 */
#define _GNU_SOURCE
#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/clitext.h"
#include "../support/corpus.h"
#include "../support/runner.h"
#include "../support/tree.h"

#define AM42 "wso2am-4.2.0"
#define IS71 "wso2is-7.1.0"
#define TOML "repository/conf/deployment.toml"
#define SERVICE_URL "service_url = \"https://km1.example:9443/services/\"\n"

static void put_file(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

/* `portshift facts ARGS` run in dir, its document saved as dir/NAME. */
static void facts_to(const char *dir, const char *name, const char *args)
{
    cli_result r = cli_runf(dir, "facts %s", args);
    expect_status(&r, 0, args);
    put_file(dir, name, r.out);
    cli_result_free(&r);
}

/* The scene: gw (the gateway, alias gw1.example) and km (IS 7.1 at
 * `offset`), their facts in gw.json and km.json (km with `km_alias`,
 * NULL for none). *line, *col: where the service_url's port is. */
static char *scene(long offset, const char *km_alias, int *line, int *col)
{
    char *dir = corpus_scratch(AM42, "gw");
    corpus_copy(IS71, dir, "km");
    char toml[4096];
    snprintf(toml, sizeof toml, "%s/gw/" TOML, dir);
    file_replace(toml, NULL, "[apim.key_manager]\n", "[apim.key_manager]\n" SERVICE_URL);
    *line = line_of(toml, SERVICE_URL);
    *col = (int)strlen("service_url = \"https://km1.example:") + 1;
    if (offset) {
        char set[64];
        snprintf(toml, sizeof toml, "%s/km/" TOML, dir);
        snprintf(set, sizeof set, "[server]\noffset = %ld\n", offset);
        file_replace(toml, NULL, "[server]\n", set);
    }
    facts_to(dir, "gw.json", "--host-name gw1.example gw");
    char args[256];
    snprintf(args, sizeof args, "%s%s km", km_alias ? "--host-name " : "",
             km_alias ? km_alias : "");
    facts_to(dir, "km.json", args);
    return dir;
}

/* The done-when case: exit 1, one finding at gw1.example:PATH:LINE:COL
 * naming 9443, the owner km1.example and 9444. */
START_TEST(stale_key_manager_is_a_finding)
{
    int line, col;
    char *dir = scene(1, "km1.example", &line, &col);
    cli_result r = cli_runf(dir, "fleet check gw.json km.json");
    expect_status(&r, 1, "fleet check");
    char where[512];
    snprintf(where, sizeof where, "gw1.example:gw/" TOML ":%d:%d: stale: ", line, col);
    /* the listener meant: the IS's HTTPS connector, 9443 at offset 0 */
    LINE_WITH(r.out, where, "km1.example:9443 (key-manager)",
              "nothing on km1.example listens on 9443",
              "servlet transport (Tomcat connector) of home km (9443 at offset 0), "
              "listens on 9444 now");
    ck_assert_msg(strstr(r.out, "\n1 finding, 0 notes (2 hosts)\n"), "%s", r.out);
    /* nothing else: one line per item, then the counts */
    ck_assert_int_eq(line_with(r.out, (const char *const[]){"note:"}, 1), 0);
    ck_assert_str_eq(r.err, "");
    cli_result_free(&r);
    /* the order of the files does not change the finding */
    r = cli_runf(dir, "fleet check km.json gw.json");
    expect_status(&r, 1, "fleet check, km first");
    LINE_WITH(r.out, where, "listens on 9444 now");
    cli_result_free(&r);
    scratch_done(dir);
}
END_TEST

START_TEST(current_key_manager_is_clean)
{
    int line, col;
    char *dir = scene(0, "km1.example", &line, &col);
    cli_result r = cli_runf(dir, "fleet check gw.json km.json");
    expect_status(&r, 0, "fleet check, IS at offset 0");
    ck_assert_str_eq(r.out, "0 findings, 0 notes (2 hosts)\n");
    cli_result_free(&r);
    scratch_done(dir);
}
END_TEST

/* km1.example is nobody's name (the IS host has no such alias): a note. */
START_TEST(unknown_host_is_a_note)
{
    int line, col;
    char *dir = scene(1, NULL, &line, &col);
    cli_result r = cli_runf(dir, "fleet check gw.json km.json");
    expect_status(&r, 0, "fleet check, km1.example unknown");
    char where[512];
    snprintf(where, sizeof where, "gw1.example:gw/" TOML ":%d:%d: note: ", line, col);
    LINE_WITH(r.out, where, "km1.example:9443 (key-manager)",
              "no other host's facts have the name km1.example");
    ck_assert_msg(strstr(r.out, "\n0 findings, 1 note (2 hosts)\n"), "%s", r.out);
    cli_result_free(&r);
    scratch_done(dir);
}
END_TEST

START_TEST(json_and_markdown)
{
    int line, col;
    char *dir = scene(1, "km1.example", &line, &col);
    cli_result r = cli_runf(dir, "fleet check --json gw.json km.json");
    expect_status(&r, 1, "fleet check --json");
    char want[1024];
    snprintf(want, sizeof want,
             "\"findings\":[{\"kind\":\"stale\",\"name\":\"gw1.example:gw/" TOML
             ":%d:%d\",\"host\":\"gw1.example\",\"facts\":\"gw.json\",\"home\":\"gw\","
             "\"runtime\":\"\",\"path\":\"gw/" TOML "\",\"line\":%d,\"col\":%d,"
             "\"target\":\"km1.example\",\"port\":9443,\"role\":\"key-manager\",\"should\":9444,"
             "\"owner\":{\"host\":\"km1.example\",\"home\":\"km\",\"runtime\":\"\",\"what\":\"",
             line, col, line, col);
    ck_assert_msg(strstr(r.out, want), "no %s in:\n%s", want, r.out);
    ck_assert_msg(strstr(r.out, "\"notes\":[]}\n"), "%s", r.out);
    if (have_validator())
        validate(dir, r.out, "fleet.schema.json", "fleet check --json");
    cli_result_free(&r);
    r = cli_runf(dir, "fleet check --format markdown gw.json km.json");
    expect_status(&r, 1, "fleet check --format markdown");
    ck_assert_msg(strncmp(r.out, "### portshift fleet check\n", 26) == 0, "%s", r.out);
    snprintf(want, sizeof want, "| stale | `gw1.example:gw/" TOML ":%d:%d` | km1.example:9443",
             line, col);
    ck_assert_msg(strstr(r.out, want), "no %s in:\n%s", want, r.out);
    ck_assert_msg(strstr(r.out, "**1 finding**"), "%s", r.out);
    cli_result_free(&r);
    scratch_done(dir);
    if (!have_validator())
        case_skipped("json_and_markdown", "python3 with jsonschema (python3-jsonschema) not found");
}
END_TEST

/* A note validates too, and a host with no alias is named by its FQDN or
 * hostname: the unknown-host scene's km.json has none. */
START_TEST(notes_validate)
{
    if (!have_validator()) {
        case_skipped("notes_validate", "python3 with jsonschema (python3-jsonschema) not found");
        return;
    }
    int line, col;
    char *dir = scene(1, NULL, &line, &col);
    cli_result r = cli_runf(dir, "fleet check --json gw.json km.json");
    expect_status(&r, 0, "fleet check --json, a note");
    ck_assert_msg(strstr(r.out, "\"findings\":[],\"notes\":[{\"kind\":\"unknown\""), "%s", r.out);
    ck_assert_msg(strstr(r.out, "\"claims\":null"), "%s", r.out);
    validate(dir, r.out, "fleet.schema.json", "fleet check --json, a note");
    cli_result_free(&r);
    scratch_done(dir);
}
END_TEST

/* Not facts: one line at file:line:col, exit 2, nothing on stdout. */
START_TEST(input_errors)
{
    int line, col;
    char *dir = scene(1, "km1.example", &line, &col);
    put_file(dir, "bad.json", "{\"format\":1,\n \"host\":[]}\n");
    put_file(dir, "v2.json", "{\"format\":2}");
    static const struct {
        const char *args, *err;
    } cases[] = {
        {"fleet check gw.json bad.json",
         "portshift: bad.json:2:9: error: host is an array, not an object\n"},
        {"fleet check v2.json km.json",
         "portshift: v2.json:1:11: error: facts format 2: this portshift reads format 1\n"},
        {"fleet check gw.json missing.json", "missing.json"},
        {"fleet check gw", "gw"}, /* a folder: not a regular file */
        {"fleet", "portshift: error: fleet needs a subcommand: check\n"},
        {"fleet chek gw.json", "unknown fleet subcommand 'chek'; did you mean 'check'?"},
        {"fleet check", "portshift: error: no FACTS.json given\n"},
        {"fleet check -o 1 gw.json", "fleet takes no offset"},
        {"fleet check --repair gw.json", "unknown option '--repair' for fleet"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cli_result r = cli_run(dir, cases[i].args);
        expect_status(&r, 2, cases[i].args);
        ck_assert_msg(strstr(r.err, cases[i].err), "%s: %s", cases[i].args, r.err);
        ck_assert_msg(strncmp(r.err, "portshift: ", 11) == 0, "%s: %s", cases[i].args, r.err);
        ck_assert_msg(*r.out == '\0', "%s printed %s", cases[i].args, r.out);
        cli_result_free(&r);
    }
    scratch_done(dir);
}
END_TEST

int main(void)
{
    const char *const trees[] = {AM42, IS71};
    if (corpus_lacks("fleet_cli", trees, 2))
        return PS_SKIPPED;
    Suite *s = suite_create("fleet_cli");
    TCase *tc = tcase_create("fleet_cli");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, stale_key_manager_is_a_finding);
    tcase_add_test(tc, current_key_manager_is_clean);
    tcase_add_test(tc, unknown_host_is_a_note);
    tcase_add_test(tc, json_and_markdown);
    tcase_add_test(tc, notes_validate);
    tcase_add_test(tc, input_errors);
    suite_add_tcase(s, tc);
    return run_suite_status(s);
}
