/*
 * Other hosts join a call (issue 18 item 2): `--with FACTS.json` on check,
 * plan, diff and apply, on copies of corpus trees. A gateway API-M 4.2
 * whose [apim.key_manager] service_url names km1.example:9443, and the
 * facts of an IS 7.1 at offset 1 gathered with --host-name km1.example:
 * check finds the stale reference (file, line, column, 9444), apply
 * --repair sets those digits and nothing else, check is clean after. A
 * name this host has too (a configured hostname, the machine's hostname)
 * that the other host claims is a note and never repaired; loopback and
 * ${carbon.host} references are the local model's, untouched; a name no
 * facts claim is a note; a file that is no facts document is an input
 * error. Skips when the corpus is absent.
 */
#define _GNU_SOURCE
#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../support/clitext.h"
#include "../support/corpus.h"
#include "../support/runner.h"
#include "../support/tree.h"

#define AM42 "wso2am-4.2.0"
#define IS71 "wso2is-7.1.0"
#define TOML "repository/conf/deployment.toml"
#define KM_HEAD "[apim.key_manager]\n"
#define URL_PREFIX "service_url = \"https://"

/* The scratch folder of one case: gw (API-M 4.2 whose key manager is
 * `host`:`port`) and km1.json, the facts of km (IS 7.1 at offset 1) known
 * also as `alias`. */
typedef struct scene {
    char *dir;
    char toml[4096]; /* gw's deployment.toml */
    char *orig;      /* its bytes before any command */
    int line, col;   /* of the service_url's port digits */
} scene;

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputs(text, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
}

static void scene_make(scene *s, const char *host, const char *alias)
{
    char line[512], km[4096], json[4096];
    s->dir = corpus_scratch(AM42, "gw");
    corpus_copy(IS71, s->dir, "km");
    snprintf(s->toml, sizeof s->toml, "%s/gw/" TOML, s->dir);
    snprintf(line, sizeof line, KM_HEAD URL_PREFIX "%s:9443/services/\"\n", host);
    file_replace(s->toml, NULL, KM_HEAD, line);
    s->orig = file_text(s->toml);
    snprintf(line, sizeof line, URL_PREFIX "%s:9443", host);
    s->line = line_of(s->toml, line);
    s->col = (int)(strlen(URL_PREFIX) + strlen(host) + 2); /* after "host:" */
    snprintf(km, sizeof km, "%s/km/" TOML, s->dir);
    file_replace(km, NULL, "[server]\n", "[server]\noffset = 1\n");
    cli_result r = cli_runf(s->dir, "facts --host-name %s km", alias);
    expect_status(&r, 0, "facts km");
    snprintf(json, sizeof json, "%s/km1.json", s->dir);
    write_file(json, r.out);
    cli_result_free(&r);
}

static void scene_done(scene *s)
{
    free(s->orig);
    scratch_done(s->dir);
}

/* gw's deployment.toml as it was, with the port digits of the service_url
 * (at `line`, `col`) now `digits`. */
static char *orig_with_port(const scene *s, const char *digits)
{
    const char *p = s->orig;
    for (int l = 1; l < s->line; l++)
        p = strchr(p, '\n') + 1;
    p += s->col - 1;
    ck_assert_int_eq(strncmp(p, "9443", 4), 0);
    size_t at = (size_t)(p - s->orig);
    char *want = NULL;
    ck_assert_int_ge(asprintf(&want, "%.*s%s%s", (int)at, s->orig, digits, p + 4), 0);
    return want;
}

START_TEST(stale_reference_found_repaired_clean)
{
    scene s;
    scene_make(&s, "km1.example", "km1.example");
    char want[8192];
    cli_result r = cli_runf(s.dir, "check --with km1.json gw");
    expect_status(&r, 1, "check --with km1.json gw");
    snprintf(want, sizeof want,
             "gw/" TOML ":%d:%d: stale: 9443 should be 9444: km1.example listens there for ",
             s.line, s.col);
    ck_assert_msg(strstr(r.out, want), "no %s in:\n%s", want, r.out);
    ck_assert_msg(strstr(r.out, "1 finding, "), "%s", r.out);
    ck_assert_msg(strstr(r.out, "portshift apply --repair --with km1.json gw\n"), "%s", r.out);
    cli_result_free(&r);

    r = cli_runf(s.dir, "check --json --with km1.json gw");
    expect_status(&r, 1, "check --json --with km1.json gw");
    ck_assert_msg(strstr(r.out, "{\"kind\":\"stale\",\"port\":9443,\"should\":9444,"), "%s", r.out);
    cli_result_free(&r);

    /* plan and diff say it and write nothing. */
    r = cli_runf(s.dir, "plan --repair --with km1.json gw");
    expect_status(&r, 0, "plan --repair --with");
    ck_assert_msg(strstr(r.out, "9443 -> 9444: stale: means "), "%s", r.out);
    ck_assert_msg(strstr(r.out, " on km1.example, which listens on 9444 (--repair)"), "%s", r.out);
    cli_result_free(&r);
    r = cli_runf(s.dir, "diff --repair --with km1.json gw");
    expect_status(&r, 1, "diff --repair --with");
    ck_assert_msg(strstr(r.out, "+service_url = \"https://km1.example:9444/services/\""), "%s",
                  r.out);
    cli_result_free(&r);
    char *now = file_text(s.toml);
    ck_assert_str_eq(now, s.orig);
    free(now);

    /* Without --repair, apply leaves it. */
    r = cli_runf(s.dir, "apply --with km1.json gw");
    expect_status(&r, 0, "apply --with");
    cli_result_free(&r);
    now = file_text(s.toml);
    ck_assert_str_eq(now, s.orig);
    free(now);

    snapshot before, after;
    snapshot_take(&before, s.dir);
    r = cli_runf(s.dir, "apply --repair --with km1.json gw");
    expect_status(&r, 0, "apply --repair --with km1.json gw");
    cli_result_free(&r);
    char *expect = orig_with_port(&s, "9444");
    now = file_text(s.toml);
    ck_assert_str_eq(now, expect);
    free(now);
    /* Nothing else changed: with its old bytes back, the tree is as it was. */
    write_file(s.toml, s.orig);
    snapshot_take(&after, s.dir);
    char *d = snapshot_diff(&before, &after);
    ck_assert_msg(d == NULL, "apply --repair changed more: %s", d ? d : "");
    snapshot_free(&before);
    snapshot_free(&after);
    write_file(s.toml, expect);
    free(expect);

    r = cli_runf(s.dir, "check --with km1.json gw");
    expect_status(&r, 0, "check --with km1.json gw after the repair");
    ck_assert_msg(strstr(r.out, "0 findings, "), "%s", r.out);
    cli_result_free(&r);
    scene_done(&s);
}
END_TEST

/* The other host's offset back at 0: the reference is right, no finding. */
START_TEST(owned_reference_is_no_finding)
{
    scene s;
    scene_make(&s, "km1.example", "km1.example");
    char km[4096];
    snprintf(km, sizeof km, "%s/km/" TOML, s.dir);
    file_replace(km, NULL, "offset = 1\n", "");
    cli_result f = cli_runf(s.dir, "facts --host-name km1.example km");
    expect_status(&f, 0, "facts km");
    char json[4096];
    snprintf(json, sizeof json, "%s/km0.json", s.dir);
    write_file(json, f.out);
    cli_result_free(&f);
    cli_result r = cli_runf(s.dir, "check --with km0.json gw");
    expect_status(&r, 0, "check --with km0.json gw");
    ck_assert_msg(!strstr(r.out, "km1.example"), "%s", r.out);
    cli_result_free(&r);
    r = cli_runf(s.dir, "diff --repair --with km0.json gw");
    expect_status(&r, 0, "diff --repair --with km0.json gw");
    cli_result_free(&r);
    scene_done(&s);
}
END_TEST

/* A name nobody's facts claim: a note, left alone. */
START_TEST(unknown_host_is_a_note)
{
    scene s;
    scene_make(&s, "km9.example", "km1.example");
    cli_result r = cli_runf(s.dir, "check --with km1.json gw");
    expect_status(&r, 0, "check --with km1.json gw");
    char want[8192];
    snprintf(want, sizeof want,
             "gw/" TOML ":%d:%d: note: port 9443: no host of --with is named km9.example, "
             "left alone\n",
             s.line, s.col);
    ck_assert_msg(strstr(r.out, want), "no %s in:\n%s", want, r.out);
    cli_result_free(&r);
    r = cli_runf(s.dir, "apply --repair --with km1.json gw");
    expect_status(&r, 0, "apply --repair --with");
    cli_result_free(&r);
    char *now = file_text(s.toml);
    ck_assert_str_eq(now, s.orig);
    free(now);
    scene_done(&s);
}
END_TEST

/* The note of a name that is this host's too, and the file untouched by
 * apply --repair. */
static void expect_ambiguous(const scene *s)
{
    cli_result r = cli_runf(s->dir, "check --with km1.json gw");
    expect_status(&r, 0, "check --with km1.json gw");
    char want[8192];
    snprintf(want, sizeof want, "gw/" TOML ":%d:%d: note: port 9443: 2 hosts", s->line, s->col);
    ck_assert_msg(strstr(r.out, want), "no %s in:\n%s", want, r.out);
    ck_assert_msg(strstr(r.out, "so it cannot tell which it means, left alone"), "%s", r.out);
    ck_assert_msg(!strstr(r.out, "stale"), "%s", r.out);
    cli_result_free(&r);
    r = cli_runf(s->dir, "apply --repair --with km1.json gw");
    expect_status(&r, 0, "apply --repair --with");
    cli_result_free(&r);
    char *now = file_text(s->toml);
    ck_assert_str_eq(now, s->orig);
    free(now);
}

/* gw's [server] hostname is gw1.example, and km's facts claim it too (its
 * inventory alias): the reference is this host's and theirs. */
START_TEST(configured_name_shared_is_a_note)
{
    scene s;
    scene_make(&s, "gw1.example", "gw1.example");
    file_replace(s.toml, NULL, "hostname = \"localhost\"", "hostname = \"gw1.example\"");
    free(s.orig);
    s.orig = file_text(s.toml);
    expect_ambiguous(&s);
    scene_done(&s);
}
END_TEST

/* Facts gathered on this machine name its hostname: a reference to it is
 * one to this host as much as to km (hosts on one machine share it). */
START_TEST(machine_hostname_shared_is_a_note)
{
    char name[256] = "";
    if (gethostname(name, sizeof name) != 0 || !*name || strcmp(name, "localhost") == 0 ||
        strchr(name, ':')) {
        case_skipped("machine_hostname_shared_is_a_note", "no usable hostname");
        return;
    }
    scene s;
    scene_make(&s, name, "km1.example");
    expect_ambiguous(&s);
    scene_done(&s);
}
END_TEST

/* localhost and ${carbon.host} references are the local model's: --with
 * changes nothing of what check, plan and diff say of them. */
START_TEST(local_references_untouched)
{
    scene s;
    scene_make(&s, "localhost", "km1.example");
    file_replace(s.toml, NULL, "[apim.key_manager]\n",
                 "[apim.key_manager]\nkey_validation_url = \"https://${carbon.host}:9443/kv\"\n");
    const char *cmds[] = {"check", "plan --repair", "diff --repair"};
    for (size_t i = 0; i < 3; i++) {
        cli_result a = cli_runf(s.dir, "%s gw", cmds[i]);
        cli_result b = cli_runf(s.dir, "%s --with km1.json gw", cmds[i]);
        ck_assert_int_eq(b.status, a.status);
        ck_assert_str_eq(b.out, a.out);
        ck_assert_str_eq(b.err, a.err);
        cli_result_free(&a);
        cli_result_free(&b);
    }
    scene_done(&s);
}
END_TEST

/* A --with file that is no facts document: exit 2, one line at the file,
 * nothing written. */
START_TEST(bad_facts_is_an_input_error)
{
    scene s;
    scene_make(&s, "km1.example", "km1.example");
    char path[4096];
    snprintf(path, sizeof path, "%s/bad.json", s.dir);
    write_file(path, "{\"format\": 2}\n");
    snprintf(path, sizeof path, "%s/nojson.json", s.dir);
    write_file(path, "not json\n");
    const char *bad[] = {"bad.json", "nojson.json", "missing.json"};
    const char *cmds[] = {"check", "plan", "diff", "apply --repair"};
    for (size_t i = 0; i < 3; i++)
        for (size_t c = 0; c < 4; c++) {
            cli_result r = cli_runf(s.dir, "%s --with %s gw", cmds[c], bad[i]);
            expect_status(&r, 2, bad[i]);
            ck_assert_str_eq(r.out, "");
            char head[256];
            snprintf(head, sizeof head, "portshift: %s:", bad[i]);
            ck_assert_msg(strncmp(r.err, head, strlen(head)) == 0, "%s", r.err);
            ck_assert_msg(strchr(r.err, '\n') == r.err + strlen(r.err) - 1, "one line: %s", r.err);
            cli_result_free(&r);
        }
    char *now = file_text(s.toml);
    ck_assert_str_eq(now, s.orig);
    free(now);
    /* ports, batch, status and facts take no --with. */
    cli_result r = cli_runf(s.dir, "ports --with km1.json gw");
    expect_status(&r, 2, "ports --with");
    cli_result_free(&r);
    scene_done(&s);
}
END_TEST

int main(void)
{
    const char *const trees[] = {AM42, IS71};
    if (corpus_lacks("with", trees, 2))
        return PS_SKIPPED;
    Suite *s = suite_create("with");
    TCase *tc = tcase_create("with");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, stale_reference_found_repaired_clean);
    tcase_add_test(tc, owned_reference_is_no_finding);
    tcase_add_test(tc, unknown_host_is_a_note);
    tcase_add_test(tc, configured_name_shared_is_a_note);
    tcase_add_test(tc, machine_hostname_shared_is_a_note);
    tcase_add_test(tc, local_references_untouched);
    tcase_add_test(tc, bad_facts_is_an_input_error);
    suite_add_tcase(s, tc);
    return run_suite_status(s);
}
