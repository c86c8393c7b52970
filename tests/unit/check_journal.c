/*
 * The record of an apply (write/journal.c): its text survives any byte of
 * a path, a record that says anything unexpected is refused with its
 * position, and the files it goes to; the staged-file names it trusts
 * (write/durable.c); the sweep of staged files a dead run left
 * (write/recover.c); paths beneath a home (write/beneath.c).
 */
#include <check.h>
#include <dirent.h>
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
#include "../support/xalloc.h"
#include "write/beneath.h"
#include "write/durable.h"
#include "write/journal.h"
#include "write/lock.h"
#include "write/recover.h"

/* ---- the text ---- */

/* A home id of the form the records use. */
static void id_of(ps_home_id *id, unsigned long dev, unsigned long ino, const char *path)
{
    *id = (ps_home_id){0};
    ps_home_id_set(id, (dev_t)dev, (ino_t)ino, path);
}

static void move(ps_journal_part *p, const char *link, const char *staged, const char *target,
                 int had_old, uint64_t old, uint64_t new_)
{
    ps_journal_move m = {.link = (char *)link,
                         .staged = (char *)staged,
                         .target = (char *)target,
                         .had_old = had_old,
                         .old_digest = old,
                         .new_digest = new_};
    ps_journal_add_move(p, &m);
}

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
    const char *to = "a b\n12:c/carbon.xml\nend\n";
    const char *from = "a b\n12:c/.carbon.xml\nend\n.portshift-Ab12Zz";

    ps_journal j = {0}, back;
    ps_journal_new_id(&j);
    id_of(&j.home, 1, 2, "/srv/home 1\nhome 3:/x");
    id_of(&j.commit, 3, 4, odd);
    ps_journal_add_peer(&j, 5, 6, odd);
    move(&j.part, NULL, from, to, 1, 0x0123456789abcdefu, 42);
    move(&j.part, "conf/x", "/.x.portshift-000000", "/x", 0, 0, UINT64_MAX);
    ps_journal_add_drop(&j.part, "srv/.y.portshift-zzzzzz");
    j.undo_id = xstrdup("1-2.3-4");
    move(&j.undo, NULL, ".b.portshift-AAAAAA", "b", 1, 7, 8);
    ps_strbuf b = PS_STRBUF_INIT;
    ps_journal_format(&j, &b);
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_msg(ps_journal_parse(&back, b.data, b.len, "rec", &err) == 0, "%s:%d:%d: %s",
                  err.path, err.line, err.col, err.message);
    ck_assert_str_eq(back.id, j.id);
    ck_assert_str_eq(back.home.path, "/srv/home 1\nhome 3:/x");
    ck_assert(back.home.dev == 1 && back.home.ino == 2);
    ck_assert_str_eq(back.commit.path, odd);
    ck_assert(back.commit.dev == 3 && back.commit.ino == 4);
    ck_assert_int_eq(back.npeers, 1);
    ck_assert_str_eq(back.peers[0].path, odd);
    ck_assert_int_eq(back.part.nmoves, 2);
    ck_assert_ptr_null(back.part.moves[0].link);
    ck_assert_str_eq(back.part.moves[0].staged, from);
    ck_assert_str_eq(back.part.moves[0].target, to);
    ck_assert(back.part.moves[0].had_old && back.part.moves[0].old_digest == 0x0123456789abcdefu);
    ck_assert(back.part.moves[0].new_digest == 42);
    ck_assert_str_eq(back.part.moves[1].link, "conf/x");
    ck_assert_str_eq(back.part.moves[1].target, "/x");
    ck_assert(!back.part.moves[1].had_old && back.part.moves[1].new_digest == UINT64_MAX);
    ck_assert_int_eq(back.part.ndrops, 1);
    ck_assert_str_eq(back.part.drops[0], "srv/.y.portshift-zzzzzz");
    ck_assert_str_eq(back.undo_id, "1-2.3-4");
    ck_assert_int_eq(back.undo.nmoves, 1);
    ck_assert_str_eq(back.undo.moves[0].target, "b");
    ck_assert(!ps_journal_is_done(&back));
    ck_assert(!ps_journal_is_commit(&back));
    ps_strbuf_free(&b);
    ps_journal_free(&j);
    ps_journal_free(&back);
}
END_TEST

/* The exact text, so that a record outlives the version that wrote it. */
START_TEST(text_is_as_documented)
{
    ps_journal j = {0};
    j.id = xstrdup("2a-65f0.000000001-0");
    id_of(&j.home, 2049, 1183, "/h");
    id_of(&j.commit, 2049, 1183, "/h");
    ps_journal_add_peer(&j, 2049, 77, "/g");
    move(&j.part, NULL, "c/.a.xml.portshift-AAAAAA", "c/a.xml", 1, 0x8f, 0x1aa);
    move(&j.part, NULL, "c/.a.xml.bak.portshift-CCCCCC", "c/a.xml.bak", 0, 0, 0x8f);
    ps_journal_add_drop(&j.part, ".b.portshift-BBBBBB");
    ps_strbuf b = PS_STRBUF_INIT;
    ps_journal_format(&j, &b);
    ck_assert_str_eq(b.data,
                     "portshift journal 2\n"
                     "id 2a-65f0.000000001-0\n"
                     "home 2049 1183 2:/h\n"
                     "commit 2049 1183 2:/h\n"
                     "peer 2049 77 2:/g\n"
                     "move 25:c/.a.xml.portshift-AAAAAA 7:c/a.xml 000000000000008f "
                     "00000000000001aa\n"
                     "move 29:c/.a.xml.bak.portshift-CCCCCC 11:c/a.xml.bak - 000000000000008f\n"
                     "drop 19:.b.portshift-BBBBBB\n"
                     "end\n");
    ck_assert(ps_journal_is_commit(&j));
    ps_strbuf_free(&b);
    ps_journal_free(&j);
}
END_TEST

/* A start file outside the home: its identity, absolute paths; read back the same. */
START_TEST(start_file_line)
{
    ps_journal j = {0}, back;
    j.id = xstrdup("2a-65f0.000000001-0");
    id_of(&j.home, 2049, 1183, "/h");
    id_of(&j.commit, 2049, 1183, "/h");
    ps_journal_move m = {.staged = "/etc/.w.service.portshift-AAAAAA",
                         .target = "/etc/w.service",
                         .had_old = 1,
                         .old_digest = 0x8f,
                         .new_digest = 0x1aa,
                         .outside = 1,
                         .dev = 2049,
                         .ino = 5521,
                         .staged_ino = 5530};
    ps_journal_add_move(&j.part, &m);
    ps_strbuf b = PS_STRBUF_INIT;
    ps_journal_format(&j, &b);
    ck_assert_str_eq(b.data, "portshift journal 2\n"
                             "id 2a-65f0.000000001-0\n"
                             "home 2049 1183 2:/h\n"
                             "commit 2049 1183 2:/h\n"
                             "start 2049 5521 5530 32:/etc/.w.service.portshift-AAAAAA "
                             "14:/etc/w.service 000000000000008f 00000000000001aa\n"
                             "end\n");
    ps_error err = {0};
    ck_assert_int_eq(ps_journal_parse(&back, b.data, b.len, "r", &err), 0);
    ck_assert_uint_eq(back.part.nmoves, 1);
    const ps_journal_move *r = &back.part.moves[0];
    ck_assert(r->outside && r->dev == 2049 && r->ino == 5521 && r->staged_ino == 5530);
    ck_assert_str_eq(r->target, "/etc/w.service");
    ck_assert_ptr_null(r->link);
    ps_journal_free(&back);
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

#define HEAD "portshift journal 2\nid 1\nhome 1 2 2:/h\ncommit 1 2 2:/h\n"
#define D " 0000000000000001 0000000000000002\n"
static const struct bad {
    const char *text;
    int line, col;
    const char *needle;
} BAD[] = {
    {"", 1, 1, "not a portshift journal"},
    {"portshift journal 1\nid 1\nhome 2:/h\nend\n", 1, 1, "not a portshift journal"},
    {"portshift journal 2\nid \nhome 1 2 2:/h\nend\n", 2, 4, "expected an id"},
    {"portshift journal 2\nid 1\nend\n", 3, 1, "expected home"},
    {"portshift journal 2\nid 1\nhome 1 2 2:/h\nend\n", 4, 1, "expected commit"},
    {"portshift journal 2\nid 1\nhome 2:/h\n", 3, 7, "expected  "},
    {"portshift journal 2\nid 1\nhome -1 2 2:/h\n", 3, 6, "expected a number"},
    {"portshift journal 2\nid 1\nhome 01 2 2:/h\n", 3, 6, "expected a number"},
    {"portshift journal 2\nid 1\nhome 1 99999999999999999999999 2:/h\n", 3, 8, "out of range"},
    {"portshift journal 2\nid 1\nhome 1 2 2/h\n", 3, 11, "expected :"},
    {"portshift journal 2\nid 1\nhome 1 2 :/h\n", 3, 10, "expected the length of a path"},
    {"portshift journal 2\nid 1\nhome 1 2 0:\n", 3, 10, "expected the length of a path"},
    {"portshift journal 2\nid 1\nhome 1 2 9999999:/h\n", 3, 10, "expected the length of a path"},
    {"portshift journal 2\nid 1\nhome 1 2 3:h/x\n", 3, 12, "not a resolved absolute path"},
    {"portshift journal 2\nid 1\nhome 1 2 5:/h/..\n", 3, 12, "not a resolved absolute path"},
    {"portshift journal 2\nid 1\nhome 1 2 40:/h\n", 3, 10, "runs past the end"},
    {"portshift journal 2\nid 1\nhome 1 2 2:/h \n", 3, 14, "expected end of line"},
    {HEAD, 5, 1, "expected 'move', 'link', 'start', 'drop', 'undo' or 'end'"},
    {HEAD "end\nend\n", 6, 1, "text after 'end'"},
    /* a move stays beneath its home, its staged file beside its target */
    {HEAD "move 11:/etc/passwd 11:/etc/shadow" D "end\n", 5, 9, "not a path beneath the home"},
    {HEAD "move 27:../.passwd.portshift-AAAAAA 9:../passwd" D "end\n", 5, 9,
     "not a path beneath the home"},
    {HEAD "move 23:a/./.b.portshift-AAAAAA 5:a/./b" D "end\n", 5, 9, "not a path beneath the home"},
    {HEAD "move 22:a//.b.portshift-AAAAAA 4:a//b" D "end\n", 5, 9, "not a path beneath the home"},
    {HEAD "move 6:passwd 6:shadow" D "end\n", 5, 5, "not a file staged beside"},
    {HEAD "move 21:x/.b.portshift-AAAAAA 3:a/b" D "end\n", 5, 5, "not a file staged beside"},
    {HEAD "move 17:.b.portshift-AAAA 1:b" D "end\n", 5, 5, "not a file staged beside"},
    {HEAD "move 19:.b.portshift-AAAAAA 1:b 1 2\n", 5, 33, "expected a digest"},
    {HEAD "move 19:.b.portshift-AAAAAA 1:b 0000000000000001 -\n", 5, 50, "expected a digest"},
    /* a start file: its identity, then absolute paths, staged beside it */
    {HEAD "start 1 2 19:.b.portshift-AAAAAA 1:b" D "end\n", 5, 13, "expected  "},
    {HEAD "start 1 2 3 19:.b.portshift-AAAAAA 1:b" D "end\n", 5, 16,
     "not a resolved absolute path"},
    {HEAD "start 1 2 3 22:/x/.b.portshift-AAAAAA 4:/a/b" D "end\n", 5, 6,
     "not a file staged beside"},
    /* a link names its symlink beneath the home, its target absolute */
    {HEAD "link 4:/a/b 20:/.b.portshift-AAAAAA 2:/b" D "end\n", 5, 8,
     "not a path beneath the home"},
    {HEAD "link 3:a/b 19:.b.portshift-AAAAAA 1:b" D "end\n", 5, 15, "not a resolved absolute path"},
    /* a drop names a staged file beneath the home */
    {HEAD "drop 11:/etc/passwd\nend\n", 5, 9, "not a path beneath the home"},
    {HEAD "drop 6:passwd\nend\n", 5, 6, "not a staged file"},
    /* order: moves, drops, then the undo */
    {HEAD "drop 19:.a.portshift-AAAAAA\nmove 19:.b.portshift-AAAAAA 1:b" D "end\n", 6, 1,
     "expected 'move', 'link', 'start', 'drop', 'undo' or 'end'"},
    {HEAD "undo \nend\n", 5, 6, "expected an id"},
    /* a NUL inside a path (the length counts it; see bad_record_refused) */
    {"portshift journal 2\nid 1\nhome 1 2 3:/h\0\n", 3, 12, "not a resolved absolute path"},
};

START_TEST(bad_record_refused)
{
    const struct bad *c = &BAD[_i];
    size_t len = strlen(c->text);
    if (strstr(c->text, "home 1 2 3:/h"))
        len += strlen("\n") + 1; /* the NUL, and what follows it */
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

static int entries_in(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static int open_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ck_assert_int_ge(fd, 0);
    return fd;
}

/* Written, read back the same, 0644 (whoever finishes it can read it), erased. */
START_TEST(write_read_erase)
{
    ck_assert_int_eq(mkdir(fx_at("a"), 0755), 0);
    int a = open_dir(fx_at("a"));
    ps_journal j = {0}, back;
    ps_journal_new_id(&j);
    id_of(&j.home, 1, 2, fx_at("a"));
    id_of(&j.commit, 1, 2, fx_at("a"));
    move(&j.part, NULL, ".c.portshift-Ab12Zz", "c", 1, 1, 2);
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_journal_exists(a, "a", &err), 0);
    ck_assert_int_eq(ps_journal_read(a, "a", &back, &err), 0);
    ck_assert_msg(ps_journal_write(a, "a", &j, &err) == 0, "%s", err.message);
    ck_assert_int_eq(ps_journal_exists(a, "a", &err), 1);
    ck_assert_int_eq(ps_journal_read(a, "a", &back, &err), 1);
    ck_assert_str_eq(back.id, j.id);
    ck_assert_str_eq(back.part.moves[0].staged, ".c.portshift-Ab12Zz");
    ps_journal_free(&back);
    struct stat st;
    ck_assert_int_eq(stat(fx_at("a/" PS_JOURNAL_NAME), &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0644);
    ck_assert_int_eq(entries_in(fx_at("a")), 1); /* no staged copy left beside it */
    ck_assert_int_eq(ps_journal_erase(a, "a", &err), 0);
    ck_assert_int_eq(ps_journal_exists(a, "a", &err), 0);
    ck_assert_int_eq(ps_journal_erase(a, "a", &err), 0); /* already gone: fine */
    ps_journal_free(&j);
    close(a);
}
END_TEST

/* A record is trusted only as a plain file of one name, written by the
 * caller or root and by no one else: anything else is refused, unread. */
static void untrusted(const char *why)
{
    int home = open_dir(fx_current.scratch);
    ps_error err = {{0}, 0, 0, {0}};
    ps_journal j;
    ck_assert_int_eq(ps_journal_read(home, "h", &j, &err), -1);
    ck_assert_str_eq(err.path, "h/" PS_JOURNAL_NAME);
    ck_assert_msg(strstr(err.message, why), "'%s' lacks '%s'", err.message, why);
    close(home);
}

static const char GOOD[] = "portshift journal 2\nid 1\nhome 1 2 2:/h\ncommit 1 2 2:/h\nend\n";

START_TEST(record_must_be_a_file)
{
    ck_assert_int_eq(symlink("/etc/passwd", fx_at(PS_JOURNAL_NAME)), 0);
    untrusted("not a regular file");
}
END_TEST

START_TEST(record_fifo_never_waited_on)
{
    ck_assert_int_eq(mkfifo(fx_at(PS_JOURNAL_NAME), 0600), 0);
    untrusted("not a regular file"); /* a blocking open would hang the case (timeout) */
}
END_TEST

START_TEST(record_writable_by_others)
{
    put(fx_at(PS_JOURNAL_NAME), GOOD);
    ck_assert_int_eq(chmod(fx_at(PS_JOURNAL_NAME), 0666), 0);
    untrusted("writable by others");
}
END_TEST

START_TEST(record_with_two_names)
{
    put(fx_at("elsewhere"), GOOD);
    ck_assert_int_eq(link(fx_at("elsewhere"), fx_at(PS_JOURNAL_NAME)), 0);
    untrusted("hard links");
}
END_TEST

START_TEST(record_of_another_user)
{
    if (geteuid() != 0)
        return; /* as another user than root, chown to someone else fails: see unpriv cases */
    put(fx_at(PS_JOURNAL_NAME), GOOD);
    ck_assert_int_eq(chown(fx_at(PS_JOURNAL_NAME), 65534, 65534), 0);
    untrusted("written by another user");
}
END_TEST

START_TEST(record_truncated)
{
    put(fx_at(PS_JOURNAL_NAME), "portshift journal 2\nid 1\nhome 1 2 2:/h\ncommit 1 2 2:/h\nen");
    ck_assert_int_eq(chmod(fx_at(PS_JOURNAL_NAME), 0644), 0);
    int home = open_dir(fx_current.scratch);
    ps_error err = {{0}, 0, 0, {0}};
    ps_journal j;
    ck_assert_int_eq(ps_journal_read(home, "h", &j, &err), -1);
    ck_assert_int_eq(err.line, 5);
    close(home);
}
END_TEST

/* ---- staged files of a dead run ---- */

START_TEST(sweep_stays_inside_the_home)
{
    ck_assert_int_eq(mkdir(fx_at("home"), 0755), 0);
    ck_assert_int_eq(mkdir(fx_at("home/conf"), 0755), 0);
    ck_assert_int_eq(mkdir(fx_at("outside"), 0755), 0);
    put(fx_at("home/conf/carbon.xml"), "x");
    put(fx_at("outside/shared.xml"), "x");
    ck_assert_int_eq(symlink(fx_at("outside/shared.xml"), fx_at("home/conf/shared.xml")), 0);
    /* A folder of the home that is a symlink to one outside: never swept. */
    ck_assert_int_eq(symlink(fx_at("outside"), fx_at("home/linked")), 0);
    const char *gone[] = {"home/conf/.carbon.xml.portshift-Ab12Zz",
                          "home/..portshift-journal.portshift-000000"};
    const char *kept[] = {"home/conf/carbon.xml.portshift-Ab12Zz", /* not staged-shaped */
                          "home/conf/.carbon.xml.portshift-Ab12Z",
                          "outside/.shared.xml.portshift-Ab12Zz", /* outside the home */
                          "home/other/.x.portshift-Ab12Zz"}; /* not a folder portshift writes */
    ck_assert_int_eq(mkdir(fx_at("home/other"), 0755), 0);
    for (size_t i = 0; i < 2; i++)
        put(fx_at(gone[i]), "staged");
    for (size_t i = 0; i < 4; i++)
        put(fx_at(kept[i]), "staged");
    ck_assert_int_eq(mkdir(fx_at("home/conf/.d.portshift-Ab12Zz"), 0755), 0); /* not a file */

    int home = open_dir(fx_at("home"));
    ps_error err = {{0}, 0, 0, {0}};
    const char *rels[] = {"conf/carbon.xml", "conf/shared.xml", "linked/shared.xml"};
    ck_assert_msg(ps_recover_staged(home, "home", rels, 3, &err) == 0, "%s", err.message);
    close(home);
    for (size_t i = 0; i < 2; i++)
        ck_assert_msg(access(fx_at(gone[i]), F_OK) < 0, "%s stayed", gone[i]);
    for (size_t i = 0; i < 4; i++)
        ck_assert_msg(access(fx_at(kept[i]), F_OK) == 0, "%s went", kept[i]);
    ck_assert_int_eq(access(fx_at("home/conf/.d.portshift-Ab12Zz"), F_OK), 0);
}
END_TEST

/* ---- paths beneath a home ---- */

START_TEST(beneath_paths)
{
    ck_assert(ps_rel_is_beneath("a"));
    ck_assert(ps_rel_is_beneath("a/b.c/.d"));
    ck_assert(ps_rel_is_beneath("..a/b.."));
    ck_assert(!ps_rel_is_beneath(""));
    ck_assert(!ps_rel_is_beneath("/a"));
    ck_assert(!ps_rel_is_beneath(".."));
    ck_assert(!ps_rel_is_beneath("a/../b"));
    ck_assert(!ps_rel_is_beneath("a/./b"));
    ck_assert(!ps_rel_is_beneath("a//b"));
    ck_assert(!ps_rel_is_beneath("a/"));
    ck_assert(!ps_rel_is_beneath("."));
}
END_TEST

START_TEST(beneath_refuses_symlinked_folders)
{
    ck_assert_int_eq(mkdir(fx_at("home"), 0755), 0);
    ck_assert_int_eq(mkdir(fx_at("home/conf"), 0755), 0);
    ck_assert_int_eq(symlink("/etc", fx_at("home/etc")), 0);
    int home = open_dir(fx_at("home")), dir;
    const char *leaf;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_beneath_dir(home, "conf/carbon.xml", &dir, &leaf, "x", &err), 0);
    ck_assert_str_eq(leaf, "carbon.xml");
    close(dir);
    ck_assert_int_eq(ps_beneath_dir(home, "etc/passwd", &dir, &leaf, "x", &err), -1);
    ck_assert_int_eq(dir, -1);
    ck_assert_msg(strstr(err.message, "symlinked folder 'etc'"), "%s", err.message);
    ck_assert_int_eq(ps_beneath_dir(home, "../x", &dir, &leaf, "x", &err), -1);
    close(home);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("journal");
    TCase *text = tcase_create("text");
    tcase_add_test(text, any_byte_survives);
    tcase_add_test(text, text_is_as_documented);
    tcase_add_test(text, start_file_line);
    tcase_add_test(text, ids_differ);
    tcase_add_loop_test(text, bad_record_refused, 0, sizeof BAD / sizeof *BAD);
    tcase_add_test(text, staged_names);
    tcase_add_test(text, beneath_paths);
    suite_add_tcase(s, text);
    TCase *files = tcase_create("files");
    tcase_add_checked_fixture(files, fx_setup, fx_teardown);
    tcase_add_test(files, write_read_erase);
    tcase_add_test(files, record_must_be_a_file);
    tcase_add_test(files, record_fifo_never_waited_on);
    tcase_add_test(files, record_writable_by_others);
    tcase_add_test(files, record_with_two_names);
    tcase_add_test(files, record_of_another_user);
    tcase_add_test(files, record_truncated);
    tcase_add_test(files, sweep_stays_inside_the_home);
    tcase_add_test(files, beneath_refuses_symlinked_folders);
    suite_add_tcase(s, files);
    return fx_run_suite("journal", s);
}
