#define _GNU_SOURCE
/*
 * Start files (--start-file, issue 14 item 1, the part outside the home),
 * through the CLI on copies of the corpus trees: a systemd unit or an
 * environment file beside the copy, naming the home by its path.
 *
 * - a unit's ExecStart= -DportOffset=2 makes `ports` report the HTTPS
 *   connector at 9445 and names the unit as where the offset comes from;
 *   `diff -o 3` shows the unit's hunk (digits only, the commented line left
 *   alone) under a path `patch -p1` takes from the current folder, and the
 *   patched unit holds exactly the bytes expected;
 * - precedence: a start file beats a bin/ script of the same home (even its
 *   environment line beats the script's argument); within the unit,
 *   ExecStart= beats Environment=; two equal-rank lines that disagree are a
 *   `check` finding naming both;
 * - matching: a file naming one home of two belongs to it; naming none of
 *   two, naming two, lying inside a home, a FIFO, a missing file: exit 2,
 *   one line, nothing written;
 * - apply -o 3 --start-file UNIT writes it (digits only, mode kept, the
 *   commented line left alone) and notes that systemd needs daemon-reload;
 * - an apply killed at each rename, the unit's included: `recover HOME`
 *   refuses, touching nothing and naming --start-file; `recover
 *   --start-file UNIT HOME` finishes it to the bytes of an uninterrupted
 *   apply; another file at the unit's path is not the recorded one;
 *   --discard removes the staged unit it recorded.
 *
 * Skips, saying so, when the corpus is absent.
 */
#include <check.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/clitext.h"
#include "../support/corpus.h"
#include "../support/fakeproc.h"
#include "../support/fixture.h"
#include "../support/runner.h"
#include "../support/tree.h"
#include "../support/unpriv.h"

#define IS53 "wso2is-5.3.0"
#define AM42 "wso2am-4.2.0"
#define EI66 "wso2ei-6.6.0"
#define HTTPS_AT(port)                                                                             \
    "{\"port\":" #port ",\"base\":9443,\"shift\":\"auto\",\"active\":true,"                        \
    "\"what\":\"servlet transport (Tomcat connector)\""

/* A systemd unit for the home at `dir`/home, its offsets `env` and `arg`. */
static char *unit_text(const char *dir, long env, long arg)
{
    char *t;
    ck_assert_int_ge(asprintf(&t,
                              "[Unit]\n"
                              "Description=WSO2 server\n"
                              "\n"
                              "[Service]\n"
                              "Type=forking\n"
                              "#ExecStart=%s/home/bin/wso2server.sh -DportOffset=%ld start\n"
                              "Environment=\"JAVA_OPTS=-Xmx1g -DportOffset=%ld\"\n"
                              "ExecStart=%s/home/bin/wso2server.sh -DportOffset=%ld start\n",
                              dir, arg, env, dir, arg),
                     0);
    return t;
}

/* dir/wso2.service is unit_text(dir, 2, 2) set to 3: its two live values
 * moved, its commented line still at 2, every other byte as it was. */
static void expect_unit_set_to_3(const char *dir)
{
    char *after = unit_text(dir, 3, 3);
    char *c = strstr(after, "#ExecStart=");
    ck_assert_ptr_nonnull(c);
    c = strstr(c, "-DportOffset=3");
    c[strlen("-DportOffset=")] = '2';
    expect_file_text(dir, "wso2.service", after);
    free(after);
}

/* dir/rel, in a buffer the next call reuses. */
static const char *at(const char *dir, const char *rel)
{
    static char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    return path;
}

static char *text_at(const char *dir, const char *rel)
{
    return file_text(at(dir, rel));
}

static const char *const trees[] = {IS53, AM42, EI66}; /* the suite skips without one */
static const char *const unit_trees[] = {IS53, AM42};  /* a carbon.xml and a toml home */

START_TEST(unit_offset_is_the_runtime_offset)
{
    char *dir = corpus_scratch(unit_trees[_i], "home");
    char *unit = unit_text(dir, 2, 2);
    fake_file(dir, "wso2.service", unit);

    cli_result r = cli_run(dir, "ports --json --start-file wso2.service home");
    expect_status(&r, 0, "ports --json");
    ck_assert_msg(strstr(r.out, HTTPS_AT(9445)), "no HTTPS at 9445:\n%s", r.out);
    /* ExecStart= (line 8, the value at column 57 past the home's path) wins */
    char want[4400];
    snprintf(want, sizeof want,
             "\"offset\":2,\"current_offset\":2,\"config_offset\":0,\"start_offset\":2,"
             "\"start_from\":\"wso2.service:8:%zu\"",
             strlen("ExecStart=") + strlen(dir) + strlen("/home/bin/wso2server.sh -DportOffset=") +
                 1);
    ck_assert_msg(strstr(r.out, want), "want %s in:\n%s", want, r.out);
    if (have_validator())
        validate(dir, r.out, "plan.schema.json", "ports --json");
    cli_result_free(&r);

    /* Without the option the home is read as its files say: offset 0. */
    r = cli_run(dir, "ports --json home");
    ck_assert_msg(strstr(r.out, HTTPS_AT(9443)), "no HTTPS at 9443:\n%s", r.out);
    cli_result_free(&r);

    /* diff -o 3: the unit's two values, not its commented line, under a
     * path patch -p1 takes from here. */
    r = cli_run(dir, "diff -o 3 --start-file wso2.service home");
    expect_status(&r, 1, "diff -o 3");
    ck_assert_msg(strstr(r.out, "--- a/wso2.service\n+++ b/wso2.service\n"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "\n-Environment=\"JAVA_OPTS=-Xmx1g -DportOffset=2\"\n"
                                "-ExecStart="),
                  "%s", r.out);
    ck_assert_msg(strstr(r.out, "\n+Environment=\"JAVA_OPTS=-Xmx1g -DportOffset=3\"\n"
                                "+ExecStart="),
                  "%s", r.out);
    ck_assert_msg(!strstr(r.out, "\n-#ExecStart") && !strstr(r.out, "\n+#ExecStart"), "%s", r.out);
    ck_assert_msg(!strstr(r.err, "product update"), "a start file is no bin/ script:\n%s", r.err);
    FILE *p = fopen(at(dir, "change.diff"), "w");
    ck_assert_ptr_nonnull(p);
    fputs(r.out, p);
    fclose(p);
    cli_result_free(&r);
    ck_assert_int_eq(run_cmd("cd '%s' && patch -s -p1 < change.diff", dir), 0);
    expect_unit_set_to_3(dir);

    /* patched by hand, the home's config at 3 too: the unit and the files agree */
    r = cli_run(dir, "ports --json --start-file wso2.service home");
    ck_assert_msg(strstr(r.out, HTTPS_AT(9446)), "no HTTPS at 9446:\n%s", r.out);
    cli_result_free(&r);
    r = cli_run(dir, "diff -o 3 --start-file wso2.service home");
    expect_status(&r, 0, "diff again: nothing left");
    ck_assert_str_eq(r.out, "");
    cli_result_free(&r);
    free(unit);
    scratch_done(dir);
}
END_TEST

/* apply -o 3 on the copy: the unit's two live values and the config move to
 * 3, its commented line stays at 2, byte for byte; systemd is to be told. */
START_TEST(apply_sets_the_unit_of_a_corpus_home)
{
    char *dir = corpus_scratch(unit_trees[_i], "home");
    char *unit = unit_text(dir, 2, 2);
    fake_file(dir, "wso2.service", unit);
    cli_result r = cli_run(dir, "apply -o 3 --start-file wso2.service home");
    expect_status(&r, 0, "apply -o 3");
    LINE_WITH(r.err, "portshift: wso2.service: note: a systemd unit changed: run "
                     "'systemctl daemon-reload' before the server next starts");
    ck_assert_msg(strstr(r.out, "updated wso2.service\n"), "%s", r.out);
    cli_result_free(&r);
    expect_unit_set_to_3(dir);
    /* the unit and the files agree at 3 */
    r = cli_run(dir, "ports --json --start-file wso2.service home");
    ck_assert_msg(strstr(r.out, HTTPS_AT(9446)), "no HTTPS at 9446:\n%s", r.out);
    ck_assert_msg(strstr(r.out, "\"current_offset\":3,\"config_offset\":3,\"start_offset\":3"),
                  "%s", r.out);
    cli_result_free(&r);
    free(unit);
    scratch_done(dir);
}
END_TEST

/* clang-format off */
/* The start file decides the ports check judges by, so the command check
 * prints to repair what it found names it too: run as printed, it repairs. */
START_TEST(repair_command_names_the_start_file)
{
    char *dir = corpus_scratch(IS53, "home");
    char *unit = unit_text(dir, 2, 2);
    fake_file(dir, "wso2.service", unit);
    cli_result r = cli_run(dir, "check --start-file wso2.service home");
    expect_status(&r, 1, "check (references at 9443, the server at 9445)");
    const char *want = ": portshift apply --repair --start-file wso2.service home\n";
    const char *cmd = strstr(r.out, want);
    ck_assert_msg(cmd != NULL, "no repair command naming the start file:\n%s", r.out);
    char *printed = strndup(cmd + strlen(": portshift "), strlen(want) - strlen(": portshift \n"));
    cli_result_free(&r);

    r = cli_run(dir, printed);
    expect_status(&r, 0, printed);
    cli_result_free(&r);
    r = cli_run(dir, "check --start-file wso2.service home");
    expect_status(&r, 0, "check after the printed repair");
    ck_assert_msg(strstr(r.out, "0 findings"), "%s", r.out);
    cli_result_free(&r);
    free(printed);
    free(unit);
    scratch_done(dir);
}
END_TEST

static const struct rank_case {
    const char *label, *script, *start; /* bin/wso2server.sh, the start file */
    long offset;
    int finding;
} rank_cases[] = {
    {"the start file beats the script", "#!/bin/sh\nexec java -DportOffset=1 Bootstrap\n",
     "JAVA_OPTS=-DportOffset=2\n", 2, 0},
    {"its ExecStart= beats its Environment=", NULL,
     "[Service]\nExecStart=/bin/sh -c 'exec java -DportOffset=4 Bootstrap'\n"
     "Environment=JAVA_OPTS=-DportOffset=2\n", 4, 0},
    {"its '#' and ';' lines are comments", NULL,
     "; -DportOffset=7\n# -DportOffset=5\nJAVA_OPTS=-DportOffset=2\n", 2, 0},
    {"two of its lines disagree", "#!/bin/sh\nexec java -DportOffset=1 Bootstrap\n",
     "JAVA_OPTS=-DportOffset=2\nJAVA_OPTS=-DportOffset=4\n", 2, 1},
};
/* clang-format on */

START_TEST(precedence_of_start_files)
{
    const struct rank_case *c = &rank_cases[_i];
    char *dir = corpus_scratch(IS53, "home");
    if (c->script)
        fake_file(dir, "home/bin/wso2server.sh", c->script);
    fake_file(dir, "wso2.env", c->start);
    cli_result r = cli_run(dir, "ports --json --start-file wso2.env home");
    expect_status(&r, 0, c->label);
    char want[128];
    snprintf(want, sizeof want, "\"current_offset\":%ld,\"config_offset\":0,", c->offset);
    ck_assert_msg(strstr(r.out, want), "%s: %s", c->label, r.out);
    cli_result_free(&r);
    r = cli_run(dir, "check --start-file wso2.env home");
    ck_assert_msg(!!strstr(r.out, ": start: ") == c->finding, "%s:\n%s", c->label, r.out);
    if (c->finding)
        LINE_WITH(r.out, "wso2.env:1:", ": start: -DportOffset=2 here, -DportOffset=4 at ",
                  "wso2.env:2:");
    cli_result_free(&r);
    scratch_done(dir);
}
END_TEST

/* A file naming home2 of two homes belongs to it; the first keeps its offset. */
START_TEST(start_file_names_its_home)
{
    char *dir = corpus_scratch(IS53, "home");
    corpus_copy(IS53, dir, "home2");
    char text[4400];
    snprintf(text, sizeof text, "CARBON_HOME=%s/home2\nJAVA_OPTS=-DportOffset=2\n", dir);
    fake_file(dir, "wso2.env", text);
    cli_result r = cli_run(dir, "ports --json --start-file wso2.env home home2");
    expect_status(&r, 0, "ports");
    const char *second = strstr(r.out, "\"home\":\"home2\"");
    ck_assert_msg(second, "%s", r.out);
    const char *s = strstr(r.out, "\"start_offset\":2,\"start_from\":\"wso2.env:2:");
    ck_assert_msg(s && s > second, "home2's offset: %s", r.out);
    ck_assert_msg(strstr(r.out, "\"current_offset\":0,\"config_offset\":0,\"start_offset\":null"),
                  "home keeps 0: %s", r.out);
    cli_result_free(&r);
    scratch_done(dir);
}
END_TEST

/* EI: a unit that names a profile's folder, or the home's bin/<profile>.sh,
 * starts that profile; one that names the home's bin/ the integrator. */
START_TEST(ei_profile_start_files)
{
    char *dir = corpus_scratch(EI66, "ei");
    fake_file(dir, "ei/bin/broker.sh", "#!/bin/sh\nexec java Bootstrap\n");
    char text[4400];
    snprintf(text, sizeof text,
             "ExecStart=%s/ei/wso2/business-process/bin/wso2server.sh "
             "-DportOffset=7\n",
             dir);
    fake_file(dir, "bps.service", text);
    snprintf(text, sizeof text, "ExecStart=%s/ei/bin/broker.sh -DportOffset=8\n", dir);
    fake_file(dir, "broker.service", text);
    snprintf(text, sizeof text, "ExecStart=%s/ei/bin/integrator.sh -DportOffset=4\n", dir);
    fake_file(dir, "int.service", text);
    cli_result r = cli_run(dir, "ports --json --start-file bps.service --start-file broker.service "
                                "--start-file int.service ei");
    expect_status(&r, 0, "ports");
    static const char *const want[] = {"\"runtime\":\"\",",
                                       "\"start_offset\":4,\"start_from\":\"int.service:1:",
                                       "\"runtime\":\"wso2/business-process\",",
                                       "\"start_offset\":7,\"start_from\":\"bps.service:1:",
                                       "\"runtime\":\"wso2/broker\",",
                                       "\"start_offset\":8,\"start_from\":\"broker.service:1:"};
    for (int i = 0; i < N(want); i += 2) {
        const char *rt = strstr(r.out, want[i]);
        ck_assert_msg(rt, "no %s in %s", want[i], r.out);
        const char *next = strstr(rt + 1, "\"runtime\":");
        const char *at = strstr(rt, want[i + 1]);
        ck_assert_msg(at && (!next || at < next), "%s: want %s in %s", want[i], want[i + 1], r.out);
    }
    cli_result_free(&r);
    scratch_done(dir);
}
END_TEST

/* clang-format off */
static const struct refusal {
    const char *label, *file, *text, *homes, *err;
} refusals[] = {
    {"names no home of two", "wso2.env", "JAVA_OPTS=-DportOffset=2\n", "home home2",
     "portshift: wso2.env: error: names none of the 2 homes of the call: a start file belongs to "
     "the home whose path it names\n"},
    {"names two homes", "wso2.env", "A=@/home/bin\nB=@/home2\nJAVA_OPTS=-DportOffset=2\n",
     "home home2",
     "portshift: wso2.env:2:3: error: names two homes of the call, home and home2: a start file "
     "starts one\n"},
    {"lies in the home", "home/wso2.env", "JAVA_OPTS=-DportOffset=2\n", "home",
     "portshift: home/wso2.env: error: lies in the home home: a start script there is read "
     "without --start-file\n"},
    {"a missing file", "wso2.env", NULL, "home",
     "portshift: wso2.env: error: cannot open: No such file or directory\n"},
    {"a FIFO", "wso2.env", "", "home", "portshift: wso2.env: error: not a regular file\n"},
};
/* clang-format on */

START_TEST(start_file_refused)
{
    const struct refusal *c = &refusals[_i];
    char *dir = corpus_scratch(IS53, "home");
    corpus_copy(IS53, dir, "home2");
    if (c->text && *c->text) {
        char text[4400], *o = text;
        for (const char *p = c->text; *p; p++) /* '@' stands for the scratch folder */
            o += *p == '@' ? sprintf(o, "%s", dir) : sprintf(o, "%c", *p);
        fake_file(dir, c->file, text);
    } else if (c->text) {
        ck_assert_int_eq(mkfifo(at(dir, c->file), 0600), 0);
    }
    char *before = text_at(dir, "home/repository/conf/carbon.xml");
    /* the same line from a command that only reads and from one that writes */
    static const char *const cmds[] = {"ports", "apply -o 3"};
    for (int k = 0; k < N(cmds); k++) {
        cli_result r = cli_runf(dir, "%s --start-file %s %s", cmds[k], c->file, c->homes);
        expect_status(&r, 2, c->label);
        ck_assert_msg(strcmp(r.err, c->err) == 0, "%s: %s:\n%s\nwant:\n%s", c->label, cmds[k],
                      r.err, c->err);
        ck_assert_str_eq(r.out, "");
        cli_result_free(&r);
    }
    expect_file_text(dir, "home/repository/conf/carbon.xml", before);
    free(before);
    if (c->text && *c->text) {
        char *want = text_at(dir, c->file);
        ck_assert_msg(strstr(want, "-DportOffset=2"), "%s: the start file changed", c->label);
        free(want);
    }
    scratch_done(dir);
}
END_TEST

/* ---- writing a start file ---- */

/* The unit of fixture home `name`: a commented ExecStart=...=9 and a live one at `n`. */
static char *unit_for(const fx *f, const char *name, long n)
{
    char *t;
    ck_assert_int_ge(asprintf(&t,
                              "[Service]\n"
                              "#ExecStart=%s/%s/bin/wso2server.sh -DportOffset=9\n"
                              "ExecStart=%s/%s/bin/wso2server.sh -DportOffset=%ld\n",
                              f->scratch, name, f->scratch, name, n),
                     0);
    return t;
}

static void put_unit(const fx *f, const char *name, long n)
{
    char *t = unit_for(f, name, n);
    put(in(f, "%s.service", name), t);
    free(t);
}

static void expect_unit(const fx *f, const char *name, long n, const char *what)
{
    char *want = unit_for(f, name, n), *got = file_text(in(f, "%s.service", name));
    ck_assert_msg(strcmp(got, want) == 0, "%s: %s.service:\n%s\nwant:\n%s", what, name, got, want);
    free(want);
    free(got);
}

/* A scratch folder with fixture home am and am.service beside it at 2. */
static void open_unit_home(fx *f)
{
    fx_open(f);
    fx_add(f, "good", "am");
    put_unit(f, "am", 2);
}

/* Files an apply staged and left in the scratch folder, beside the units. */
static int staged_left(const fx *f)
{
    DIR *d = opendir(f->scratch);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strstr(e->d_name, ".portshift-") != NULL;
    closedir(d);
    return n;
}

START_TEST(apply_writes_the_unit)
{
    fx f;
    open_unit_home(&f);
    ck_assert_int_eq(chmod(in(&f, "am.service"), 0640), 0);
    /* what an apply killed while staging left beside it goes; another file's stays */
    put(in(&f, ".am.service.portshift-AbCdEf"), "half");
    put(in(&f, ".other.service.portshift-AbCdEf"), "not ours");
    cli_result r = cli(&f, "apply --offset 3 --start-file am.service am");
    expect_status(&r, 0, "apply");
    ck_assert_msg(strstr(r.err, "portshift: am.service: note: a systemd unit changed: run "
                                "'systemctl daemon-reload' before the server next starts\n"),
                  "%s", r.err);
    ck_assert_msg(strstr(r.out, "updated am.service\n"), "%s", r.out);
    cli_result_free(&r);
    expect_unit(&f, "am", 3, "applied");
    ck_assert(file_holds(in(&f, "am/repository/conf/carbon.xml"), "<Offset>3</Offset>"));
    struct stat st;
    ck_assert_int_eq(stat(in(&f, "am.service"), &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0640);
    ck_assert(access(in(&f, ".other.service.portshift-AbCdEf"), F_OK) == 0);
    ck_assert_int_eq(staged_left(&f), 1);
    /* at the target already: nothing written, no note */
    r = cli(&f, "apply --offset 3 --start-file am.service am");
    expect_status(&r, 0, "apply again");
    ck_assert_msg(!strstr(r.err, "daemon-reload"), "%s", r.err);
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

/* Named through a symlink (systemd's wants/ folders): the file it leads to
 * is written where it lies, the link stays a link; a unit named by a link
 * whose own name says nothing is known by where it lies (a systemd/ folder). */
START_TEST(a_linked_unit_is_written_where_it_lies)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "am");
    ck_assert_int_eq(mkdir(in(&f, "systemd"), 0755), 0);
    char *t = unit_for(&f, "am", 2);
    /* no [Service] line: only its folder makes it a unit */
    put(in(&f, "systemd/am.conf"), strchr(t, '\n') + 1);
    ck_assert_int_eq(symlink("systemd/am.conf", in(&f, "am.link")), 0);
    cli_result r = cli(&f, "apply --offset 3 --start-file am.link am");
    expect_status(&r, 0, "apply through a link");
    ck_assert_msg(strstr(r.err, "portshift: am.link: note: a systemd unit changed"), "%s", r.err);
    cli_result_free(&r);
    struct stat st;
    ck_assert_int_eq(lstat(in(&f, "am.link"), &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    free(t);
    t = unit_for(&f, "am", 3);
    char *got = file_text(in(&f, "systemd/am.conf"));
    ck_assert_str_eq(got, strchr(t, '\n') + 1);
    free(got);
    free(t);
    fx_close(&f);
}
END_TEST

/* clang-format off */
static const struct kill_case {
    int fail, kill; /* the renames that fail and that kill (fixture.h killed) */
    long ends_at;   /* the unit's offset once recover --start-file is done */
} kills[] = {
    /* the record is renamed first, then the unit, then the config */
    {0, 2, 3}, /* the apply killed before the unit's rename */
    {0, 3, 3}, /* after it: the unit holds the staged file, the record's second inode */
    /* the config's rename fails; the undo is killed before its record
     * counts (the apply is finished), then before the unit is put back */
    {3, 4, 3},
    {3, 5, 2},
};
/* clang-format on */

/* An apply killed at each rename, the unit's included, or its undo killed:
 * `recover` or `apply` without the unit refuses (nothing touched), naming
 * the option; `recover --start-file` finishes where the record says (unit
 * and config alike); the next apply ends at the bytes of an apply never
 * interrupted, nothing left beside the unit. */
START_TEST(killed_apply_of_a_unit_is_finished)
{
    const struct kill_case *c = &kills[_i];
    char what[64];
    snprintf(what, sizeof what, "rename %d fails, killed at %d", c->fail, c->kill);
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "clean");
    put_unit(&f, "clean", 2);
    cli_result r = cli(&f, "apply --offset 3 --start-file clean.service clean");
    expect_status(&r, 0, "the apply never interrupted");
    ck_assert_msg(strstr(r.err, "applied: 1 home, 2 files, 2 edits"), "%s", r.err);
    cli_result_free(&r);
    fx_add(&f, "good", "am");
    put_unit(&f, "am", 2);
    char *original = file_text(in(&f, "am/repository/conf/carbon.xml"));
    killed(&f, c->fail, c->kill, "apply --offset 3 --start-file am.service am");
    ck_assert_msg(access(in(&f, "am/.portshift-journal"), F_OK) == 0, "%s: no record", what);
    expect_unit(&f, "am", c->kill == 2 ? 2 : 3, what); /* renamed at 2 */
    char *unit = file_text(in(&f, "am.service"));
    char *carbon = file_text(in(&f, "am/repository/conf/carbon.xml"));
    int staged = staged_left(&f);

    char want[4400];
    snprintf(want, sizeof want,
             "portshift: %s: error: a start file the interrupted apply of am was writing; "
             "name it again: 'portshift recover --start-file %s am'\n",
             in(&f, "am.service"), in(&f, "am.service"));
    static const char *const without[] = {"recover am", "apply --offset 3 am"};
    for (int k = 0; k < N(without); k++) {
        r = cli(&f, "%s", without[k]);
        expect_status(&r, 2, what);
        ck_assert_msg(strcmp(r.err, want) == 0, "%s: %s: %s", what, without[k], r.err);
        cli_result_free(&r);
        char *unit2 = file_text(in(&f, "am.service"));
        char *carbon2 = file_text(in(&f, "am/repository/conf/carbon.xml"));
        ck_assert_msg(!strcmp(unit, unit2) && !strcmp(carbon, carbon2), "%s: touched", what);
        ck_assert_int_eq(staged_left(&f), staged);
        ck_assert(access(in(&f, "am/.portshift-journal"), F_OK) == 0);
        free(unit2);
        free(carbon2);
    }
    free(unit);
    free(carbon);

    r = cli(&f, "recover --start-file am.service am");
    expect_status(&r, 0, what);
    cli_result_free(&r);
    ck_assert(access(in(&f, "am/.portshift-journal"), F_OK) != 0);
    expect_unit(&f, "am", c->ends_at, what);
    /* the config with it: as applied, or as it was (a staged file the undo
     * left in the home is the next apply's to sweep, as check_recovery's) */
    char *now = file_text(in(&f, "am/repository/conf/carbon.xml"));
    char *applied = file_text(in(&f, "clean/repository/conf/carbon.xml"));
    ck_assert_msg(strcmp(now, c->ends_at == 3 ? applied : original) == 0, "%s: carbon.xml", what);
    free(now);
    free(applied);
    free(original);
    r = cli(&f, "apply --offset 3 --start-file am.service am");
    expect_status(&r, 0, what);
    cli_result_free(&r);
    expect_tree(&f, "clean", "am", what);
    expect_unit(&f, "am", 3, what);
    /* what an undo staged and no record named goes with the next apply, as in a home */
    ck_assert_int_eq(staged_left(&f), 0);
    fx_close(&f);
}
END_TEST

/* A rename that fails, the unit's or the config's: every file as it was,
 * the unit included, and nothing left beside it. */
START_TEST(failed_rename_restores_the_unit)
{
    fx f;
    open_unit_home(&f);
    char *carbon = file_text(in(&f, "am/repository/conf/carbon.xml"));
    for (int k = 2; k <= 3; k++) {
        char what[64];
        snprintf(what, sizeof what, "rename %d fails", k);
        fail_rename(k);
        cli_result r = cli(&f, "apply --offset 3 --start-file am.service am");
        fail_rename(0);
        expect_status(&r, 2, what);
        cli_result_free(&r);
        expect_unit(&f, "am", 2, what);
        char *now = file_text(in(&f, "am/repository/conf/carbon.xml"));
        ck_assert_msg(strcmp(now, carbon) == 0, "%s: carbon.xml changed", what);
        free(now);
        ck_assert_int_eq(staged_left(&f), 0);
        ck_assert(access(in(&f, "am/.portshift-journal"), F_OK) != 0);
    }
    free(carbon);
    fx_close(&f);
}
END_TEST

/* A copy of a home holding such a record (cp -a) is finished in place for
 * its own files: the unit, the original's, is not touched. */
START_TEST(a_copy_leaves_the_unit_alone)
{
    fx f;
    open_unit_home(&f);
    killed(&f, 0, 3, "apply --offset 3 --start-file am.service am");
    char *unit = file_text(in(&f, "am.service"));
    int staged = staged_left(&f);
    ck_assert_int_eq(run_cmd("cp -a '%s' '%s'", in(&f, "am"), in(&f, "copy")), 0);
    cli_result r = cli(&f, "recover copy");
    expect_status(&r, 0, "recover the copy");
    cli_result_free(&r);
    char *now = file_text(in(&f, "am.service"));
    ck_assert_str_eq(now, unit);
    ck_assert_int_eq(staged_left(&f), staged);
    ck_assert(access(in(&f, "copy/.portshift-journal"), F_OK) != 0);
    free(now);
    free(unit);
    fx_close(&f);
}
END_TEST

/* Another file at the unit's path (same bytes, another inode) is not the one
 * the record names: refused. --discard removes the staged unit it recorded. */
START_TEST(recover_knows_the_unit_by_identity)
{
    fx f;
    open_unit_home(&f);
    killed(&f, 0, 2, "apply --offset 3 --start-file am.service am");
    char *unit = file_text(in(&f, "am.service"));
    /* made while the original exists, so it cannot take over its inode */
    put(in(&f, "copy.service"), unit);
    ck_assert_int_eq(rename(in(&f, "copy.service"), in(&f, "am.service")), 0);
    cli_result r = cli(&f, "recover --start-file am.service am");
    expect_status(&r, 2, "a copy of the unit");
    ck_assert_msg(strstr(r.err, ": error: not the file the interrupted apply of am was writing: "
                                "another file has taken its path; "),
                  "%s", r.err);
    ck_assert_msg(strstr(r.err, "'portshift recover --discard am' removes it\n"), "%s", r.err);
    cli_result_free(&r);
    char *now = file_text(in(&f, "am.service"));
    ck_assert_str_eq(now, unit);
    free(now);
    ck_assert_int_eq(staged_left(&f), 1);

    r = cli(&f, "recover --discard am");
    expect_status(&r, 0, "discard");
    cli_result_free(&r);
    ck_assert_int_eq(staged_left(&f), 0);
    ck_assert(access(in(&f, "am/.portshift-journal"), F_OK) != 0);
    now = file_text(in(&f, "am.service"));
    ck_assert_str_eq(now, unit);
    free(now);
    free(unit);
    fx_close(&f);
}
END_TEST

/* batch --apply moves a home whose unit says 2 beside one already at 2:
 * its unit is written with it, and systemd needs telling. */
START_TEST(batch_apply_writes_the_unit)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "am");
    fx_add(&f, "good", "first");
    fx_replace(in(&f, "first/repository/conf/carbon.xml"), "<Offset>0<", "<Offset>2<");
    put_unit(&f, "am", 2);
    cli_result r = cli(&f, "batch --apply --start-file am.service first am");
    expect_status(&r, 0, "batch --apply");
    LINE_WITH(r.out, "am: offset 2 -> 0: ");
    ck_assert_msg(strstr(r.out, "updated am.service\n"), "%s", r.out);
    ck_assert_str_eq(r.err, "portshift: am.service: note: a systemd unit changed: run 'systemctl "
                            "daemon-reload' before the server next starts\n");
    cli_result_free(&r);
    expect_unit(&f, "am", 0, "batch --apply");
    ck_assert(file_holds(in(&f, "am/repository/conf/carbon.xml"), "<Offset>0<"));
    ck_assert(file_holds(in(&f, "first/repository/conf/carbon.xml"), "<Offset>2<"));
    fx_close(&f);
}
END_TEST

/* The operator named the unit: it is written with the caller's rights, not
 * the home's owner's. Root writes a root-owned unit of a home nobody owns
 * (owners kept); nobody, who may not write the unit's folder, is refused
 * with one line, nothing written, the home's files included. */
START_TEST(the_unit_is_written_with_the_callers_rights)
{
    if (geteuid() != 0) {
        case_skipped("the_unit_is_written_with_the_callers_rights",
                     "only root can make a file that belongs to another user");
        return;
    }
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "am");
    ck_assert_int_eq(mkdir(in(&f, "etc"), 0755), 0);
    char *t = unit_for(&f, "am", 2);
    put(in(&f, "etc/am.service"), t);
    free(t);
    ck_assert_int_eq(give_to_nobody(in(&f, "am")), 0);
    cli_result r = cli(&f, "apply --offset 3 --start-file etc/am.service am");
    expect_status(&r, 0, "root, a home nobody owns");
    cli_result_free(&r);
    struct stat st;
    ck_assert_int_eq(stat(in(&f, "etc/am.service"), &st), 0);
    ck_assert_int_eq(st.st_uid, 0);
    ck_assert_int_eq(stat(in(&f, "am/repository/conf/carbon.xml"), &st), 0);
    ck_assert_int_eq(st.st_uid, PS_NOBODY);
    char *want = unit_for(&f, "am", 3), *got = file_text(in(&f, "etc/am.service"));
    ck_assert_str_eq(got, want);
    free(want);
    free(got);

    /* nobody: the home is theirs, the unit's folder root's */
    fx_unprivileged(&f, "the_unit_is_written_with_the_callers_rights");
    ck_assert_int_eq(run_cmd("chown -R 0:0 '%s'", in(&f, "etc")), 0);
    static const char *const apply[] = {"apply", NULL};
    refused(&f, apply, "--offset 5 --start-file etc/am.service am", "etc/am.service", 0, 0,
            "cannot create temporary file: Permission denied");
    fx_close(&f);
}
END_TEST

int main(void)
{
    if (corpus_lacks("startfile", trees, N(trees)))
        return PS_SKIPPED;
    Suite *s = suite_create("startfile");
    TCase *tc = tcase_create("startfile");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, unit_offset_is_the_runtime_offset, 0, N(unit_trees));
    tcase_add_test(tc, ei_profile_start_files);
    tcase_add_loop_test(tc, precedence_of_start_files, 0, N(rank_cases));
    tcase_add_test(tc, start_file_names_its_home);
    tcase_add_test(tc, repair_command_names_the_start_file);
    tcase_add_loop_test(tc, start_file_refused, 0, N(refusals));
    tcase_add_test(tc, apply_writes_the_unit);
    tcase_add_loop_test(tc, killed_apply_of_a_unit_is_finished, 0, N(kills));
    tcase_add_test(tc, recover_knows_the_unit_by_identity);
    tcase_add_test(tc, a_copy_leaves_the_unit_alone);
    tcase_add_test(tc, failed_rename_restores_the_unit);
    tcase_add_test(tc, batch_apply_writes_the_unit);
    tcase_add_test(tc, a_linked_unit_is_written_where_it_lies);
    tcase_add_test(tc, the_unit_is_written_with_the_callers_rights);
    tcase_add_loop_test(tc, apply_sets_the_unit_of_a_corpus_home, 0, N(unit_trees));
    suite_add_tcase(s, tc);
    return fx_run_suite("startfile", s); /* a case runs as nobody: scratch folders it reaches */
}
