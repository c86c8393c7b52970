/*
 * The record of an apply (output/journal.c): its text survives any byte of
 * a path, a record that says anything unexpected is refused with its
 * position, and the files it goes to; the staged-file names it trusts
 * (output/durable.c); and the sweep of staged files a dead run left
 * (output/recover.c).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/fixture.h"
#include "../support/runner.h"
#include "output/durable.h"
#include "output/journal.h"
#include "output/lock.h"
#include "output/recover.h"

/* ---- the text ---- */

/* Paths with every byte a file name may hold: newline, space, colon, digits, 0x01..0xff. */
START_TEST(any_byte_survives)
{
    char odd[300];
    size_t n = 0;
    odd[n++] = '/';
    for (int c = 1; c < 256; c++)
        if (c != '/')
            odd[n++] = (char)c;
    odd[n] = '\0';
    char to[400], from[400];
    snprintf(to, sizeof to, "/srv/a b\n12:c/%s", "carbon.xml\nend\n");
    snprintf(from, sizeof from, "/srv/a b\n12:c/.%s.portshift-Ab12Zz", "carbon.xml\nend\n");

    ps_journal j = {0}, back;
    ps_journal_new_id(&j);
    ps_journal_add_home(&j, "/srv/home 1\nhome 3:/x");
    ps_journal_add_home(&j, odd);
    ps_journal_add_rename(&j, from, to);
    ps_journal_add_rename(&j, "/.x.portshift-000000", "/x");
    ps_journal_add_drop(&j, "/srv/.y.portshift-zzzzzz");
    ps_strbuf b = PS_STRBUF_INIT;
    ps_journal_format(&j, &b);
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_msg(ps_journal_parse(&back, b.data, b.len, "rec", &err) == 0, "%s:%d:%d: %s",
                  err.path, err.line, err.col, err.message);
    ck_assert_str_eq(back.id, j.id);
    ck_assert_int_eq(back.nhomes, 2);
    ck_assert_str_eq(back.homes[0], "/srv/home 1\nhome 3:/x");
    ck_assert_str_eq(back.homes[1], odd);
    ck_assert_int_eq(back.nrenames, 2);
    ck_assert_str_eq(back.renames[0].from, from);
    ck_assert_str_eq(back.renames[0].to, to);
    ck_assert_str_eq(back.renames[1].to, "/x");
    ck_assert_int_eq(back.ndrops, 1);
    ck_assert_str_eq(back.drops[0], "/srv/.y.portshift-zzzzzz");
    ps_strbuf_free(&b);
    ps_journal_free(&j);
    ps_journal_free(&back);
}
END_TEST

/* The exact text, so that a record outlives the version that wrote it. */
START_TEST(text_is_as_documented)
{
    ps_journal j = {0};
    j.id = ps_xstrdup("2a-65f0.000000001-0");
    ps_journal_add_home(&j, "/h");
    ps_journal_add_rename(&j, "/h/c/.a.xml.portshift-AAAAAA", "/h/c/a.xml");
    ps_journal_add_drop(&j, "/h/.b.portshift-BBBBBB");
    ps_strbuf b = PS_STRBUF_INIT;
    ps_journal_format(&j, &b);
    ck_assert_str_eq(b.data, "portshift journal 1\n"
                             "id 2a-65f0.000000001-0\n"
                             "home 2:/h\n"
                             "rename 28:/h/c/.a.xml.portshift-AAAAAA 10:/h/c/a.xml\n"
                             "drop 22:/h/.b.portshift-BBBBBB\n"
                             "end\n");
    ps_strbuf_free(&b);
    ps_journal_free(&j);
}
END_TEST

START_TEST(ids_differ)
{
    ps_journal a = {0}, b = {0};
    ps_journal_new_id(&a);
    ps_journal_new_id(&b);
    ck_assert_str_ne(a.id, b.id);
    ps_journal_free(&a);
    ps_journal_free(&b);
}
END_TEST

static const struct bad {
    const char *text;
    int line, col;
    const char *needle;
} BAD[] = {
    {"", 1, 1, "not a portshift journal"},
    {"portshift journal 2\nid 1\nhome 2:/h\nend\n", 1, 1, "not a portshift journal"},
    {"portshift journal 1\nid \nhome 2:/h\nend\n", 2, 4, "expected an id"},
    {"portshift journal 1\nid 1\nend\n", 3, 1, "expected home"},
    {"portshift journal 1\nid 1\nhome 2/h\nend\n", 3, 7, "expected :"},
    {"portshift journal 1\nid 1\nhome :/h\nend\n", 3, 6, "expected the length of a path"},
    {"portshift journal 1\nid 1\nhome 02:/h\nend\n", 3, 6, "expected the length of a path"},
    {"portshift journal 1\nid 1\nhome 0:\nend\n", 3, 6, "expected the length of a path"},
    {"portshift journal 1\nid 1\nhome 9999999:/h\nend\n", 3, 6, "expected the length of a path"},
    {"portshift journal 1\nid 1\nhome 3:h/x\nend\n", 3, 8, "not an absolute path"},
    {"portshift journal 1\nid 1\nhome 40:/h\nend\n", 3, 6, "runs past the end"},
    {"portshift journal 1\nid 1\nhome 2:/h \nend\n", 3, 10, "expected end of line"},
    {"portshift journal 1\nid 1\nhome 2:/h\n", 4, 1, "expected 'rename', 'drop' or 'end'"},
    {"portshift journal 1\nid 1\nhome 2:/h\nend\nend\n", 5, 1, "text after 'end'"},
    {"portshift journal 1\nid 1\nhome 2:/h\nend", 4, 1, "expected 'rename', 'drop' or 'end'"},
    /* a rename must replace a file with one staged beside it */
    {"portshift journal 1\nid 1\nhome 2:/h\nrename 11:/etc/passwd 11:/etc/shadow\nend\n", 4, 8,
     "not a file staged beside"},
    {"portshift journal 1\nid 1\nhome 2:/h\nrename 29:/srv/.shadow.portshift-AAAAAA "
     "11:/etc/shadow\nend\n",
     4, 8, "not a file staged beside"},
    {"portshift journal 1\nid 1\nhome 2:/h\nrename 25:/etc/.passwd.portshift-AA "
     "11:/etc/passwd\nend\n",
     4, 8, "not a file staged beside"},
    {"portshift journal 1\nid 1\nhome 2:/h\nrename 29:/etc/.passwd.portshift-A-AAAA "
     "11:/etc/passwd\nend\n",
     4, 8, "not a file staged beside"},
    /* a drop must name a staged file */
    {"portshift journal 1\nid 1\nhome 2:/h\ndrop 11:/etc/passwd\nend\n", 4, 6, "not a staged file"},
    /* order: homes, renames, drops */
    {"portshift journal 1\nid 1\nhome 2:/h\ndrop 20:/.a.portshift-AAAAAA\nhome 2:/g\nend\n", 5, 1,
     "expected 'rename', 'drop' or 'end'"},
    /* a NUL inside a path (the length counts it; see bad_record_refused) */
    {"portshift journal 1\nid 1\nhome 3:/h\0\nend\n", 3, 8, "not an absolute path"},
};

START_TEST(bad_record_refused)
{
    const struct bad *c = &BAD[_i];
    size_t len = strlen(c->text);
    if (strstr(c->text, "home 3:/h"))
        len += strlen("\nend\n") + 1; /* the NUL, and what follows it */
    ps_journal j;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_msg(ps_journal_parse(&j, c->text, len, "rec", &err) == -1, "case %d accepted", _i);
    ck_assert_str_eq(err.path, "rec");
    ck_assert_msg(err.line == c->line && err.col == c->col, "case %d: %d:%d, expected %d:%d (%s)",
                  _i, err.line, err.col, c->line, c->col, err.message);
    ck_assert_msg(strstr(err.message, c->needle), "case %d: '%s' lacks '%s'", _i, err.message,
                  c->needle);
}
END_TEST

/* ---- staged-file names ---- */

START_TEST(staged_names)
{
    ck_assert(ps_is_staged_name(".carbon.xml.portshift-Ab12Zz"));
    ck_assert(ps_is_staged_name("..portshift-journal.portshift-000000"));
    ck_assert(ps_is_staged_name(".x.portshift-zzzzzz"));
    ck_assert(!ps_is_staged_name(".portshift-journal"));
    ck_assert(!ps_is_staged_name("carbon.xml.portshift-Ab12Zz"));
    ck_assert(!ps_is_staged_name("..portshift-Ab12Zz"));
    ck_assert(!ps_is_staged_name(".x.portshift-Ab12Z"));
    ck_assert(!ps_is_staged_name(".x.portshift-Ab12Zzz"));
    ck_assert(!ps_is_staged_name(".x.portshift-Ab12Z."));
    ck_assert(!ps_is_staged_name(".x.portshift_Ab12Zz"));

    ck_assert(ps_is_staged_for("/a/.b.portshift-Ab12Zz", "/a/b"));
    ck_assert(ps_is_staged_for("/.b.portshift-Ab12Zz", "/b"));
    ck_assert(ps_is_staged_for(".b.portshift-Ab12Zz", "b"));
    ck_assert(!ps_is_staged_for("/a/.c.portshift-Ab12Zz", "/a/b"));
    ck_assert(!ps_is_staged_for("/x/.b.portshift-Ab12Zz", "/a/b"));
    ck_assert(!ps_is_staged_for("/a/./.b.portshift-Ab12Zz", "/a/b"));
    ck_assert(!ps_is_staged_for("/a/.b.portshift-Ab12Zz", "/a/"));
    ck_assert(!ps_is_staged_for("/a/.bb.portshift-Ab12Zz", "/a/b"));

    /* The template is one of the names it accepts. */
    char *t = ps_staged_template("/srv/conf/carbon.xml");
    ck_assert_str_eq(t, "/srv/conf/.carbon.xml.portshift-XXXXXX");
    ck_assert(ps_is_staged_for(t, "/srv/conf/carbon.xml"));
    free(t);
    t = ps_staged_template("carbon.xml");
    ck_assert_str_eq(t, ".carbon.xml.portshift-XXXXXX");
    free(t);
}
END_TEST

/* ---- the files ---- */

/* Written into every home, the same bytes; read back; erased from all. */
START_TEST(write_read_erase)
{
    ck_assert_int_eq(mkdir(fx_at("a"), 0755), 0);
    ck_assert_int_eq(mkdir(fx_at("b"), 0755), 0);
    ps_journal j = {0}, back;
    ps_journal_new_id(&j);
    ps_journal_add_home(&j, fx_at("a"));
    ps_journal_add_home(&j, fx_at("b"));
    char from[PATH_MAX];
    snprintf(from, sizeof from, "%s/.c.portshift-Ab12Zz", fx_at("a"));
    ps_journal_add_rename(&j, from, fx_at("a/c"));
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_journal_exists(fx_at("a"), &err), 0);
    ck_assert_int_eq(ps_journal_read(fx_at("a"), &back, &err), 0);
    ck_assert_msg(ps_journal_write(&j, &err) == 0, "%s", err.message);
    for (int h = 0; h < 2; h++) {
        const char *home = fx_at(h ? "b" : "a");
        ck_assert_int_eq(ps_journal_exists(home, &err), 1);
        ck_assert_int_eq(ps_journal_read(home, &back, &err), 1);
        ck_assert_str_eq(back.id, j.id);
        ck_assert_str_eq(back.renames[0].from, from);
        ps_journal_free(&back);
        struct stat st;
        char *path = ps_journal_path(home);
        ck_assert_int_eq(stat(path, &st), 0);
        ck_assert_int_eq(st.st_mode & 0777, 0644); /* whoever finishes it can read it */
        free(path);
    }
    ck_assert_int_eq(ps_journal_erase(&j, &err), 0);
    ck_assert_int_eq(ps_journal_exists(fx_at("a"), &err), 0);
    ck_assert_int_eq(ps_journal_exists(fx_at("b"), &err), 0);
    ck_assert_int_eq(ps_journal_erase(&j, &err), 0); /* already gone: fine */
    ps_journal_free(&j);
}
END_TEST

/* homes[0] is written last: when another home cannot take its copy, the
 * record never counts (-1) and homes[0] holds nothing. */
START_TEST(first_home_written_last)
{
    ck_assert_int_eq(mkdir(fx_at("a"), 0755), 0);
    ps_journal j = {0};
    ps_journal_new_id(&j);
    ps_journal_add_home(&j, fx_at("a"));
    ps_journal_add_home(&j, fx_at("gone"));
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_journal_write(&j, &err), -1);
    ck_assert_int_eq(ps_journal_exists(fx_at("a"), &err), 0);
    ps_journal_free(&j);
}
END_TEST

START_TEST(record_must_be_a_file)
{
    ps_error err = {{0}, 0, 0, {0}};
    ps_journal j;
    ck_assert_int_eq(symlink("/etc/passwd", fx_at(PS_JOURNAL_NAME)), 0);
    ck_assert_int_eq(ps_journal_read(fx_current.scratch, &j, &err), -1);
    ck_assert_str_eq(err.message, "not a regular file");
}
END_TEST

/* ---- staged files of a dead run ---- */

START_TEST(sweep_stays_inside_the_homes)
{
    ck_assert_int_eq(mkdir(fx_at("home"), 0755), 0);
    ck_assert_int_eq(mkdir(fx_at("home/conf"), 0755), 0);
    ck_assert_int_eq(mkdir(fx_at("outside"), 0755), 0);
    put(fx_at("home/conf/carbon.xml"), "x");
    put(fx_at("outside/shared.xml"), "x");
    ck_assert_int_eq(symlink(fx_at("outside/shared.xml"), fx_at("home/conf/shared.xml")), 0);
    const char *gone[] = {"home/conf/.carbon.xml.portshift-Ab12Zz",
                          "home/..portshift-journal.portshift-000000"};
    const char *kept[] = {"home/conf/carbon.xml.portshift-Ab12Zz", /* not staged-shaped */
                          "home/conf/.carbon.xml.portshift-Ab12Z",
                          "outside/.shared.xml.portshift-Ab12Zz", /* outside every home */
                          "home/other/.x.portshift-Ab12Zz"}; /* not a folder portshift writes */
    ck_assert_int_eq(mkdir(fx_at("home/other"), 0755), 0);
    for (size_t i = 0; i < 2; i++)
        put(fx_at(gone[i]), "staged");
    for (size_t i = 0; i < 4; i++)
        put(fx_at(kept[i]), "staged");
    ck_assert_int_eq(mkdir(fx_at("home/conf/.d.portshift-Ab12Zz"), 0755), 0); /* not a file */

    ps_locks locks = {0};
    ps_error err = {{0}, 0, 0, {0}};
    const char *home = fx_at("home");
    ck_assert_int_eq(ps_locks_take(&locks, &home, 1, PS_LOCK_EXCLUSIVE, 0, &err), 0);
    const char *files[] = {fx_at("home/conf/carbon.xml"), fx_at("home/conf/shared.xml")};
    ck_assert_msg(ps_recover_staged(files, 2, &locks, &err) == 0, "%s", err.message);
    ps_locks_release(&locks);
    for (size_t i = 0; i < 2; i++)
        ck_assert_msg(access(fx_at(gone[i]), F_OK) < 0, "%s stayed", gone[i]);
    for (size_t i = 0; i < 4; i++)
        ck_assert_msg(access(fx_at(kept[i]), F_OK) == 0, "%s went", kept[i]);
    ck_assert_int_eq(access(fx_at("home/conf/.d.portshift-Ab12Zz"), F_OK), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("journal");
    TCase *text = tcase_create("text");
    tcase_add_test(text, any_byte_survives);
    tcase_add_test(text, text_is_as_documented);
    tcase_add_test(text, ids_differ);
    tcase_add_loop_test(text, bad_record_refused, 0, sizeof BAD / sizeof *BAD);
    tcase_add_test(text, staged_names);
    suite_add_tcase(s, text);
    TCase *files = tcase_create("files");
    tcase_add_checked_fixture(files, fx_setup, fx_teardown);
    tcase_add_test(files, write_read_erase);
    tcase_add_test(files, first_home_written_last);
    tcase_add_test(files, record_must_be_a_file);
    tcase_add_test(files, sweep_stays_inside_the_homes);
    suite_add_tcase(s, files);
    return fx_run_suite("journal", s);
}
