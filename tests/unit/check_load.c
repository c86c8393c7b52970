/*
 * The load stage's walk: every real folder and config file of a runtime is
 * read once, whatever symlinks point back into the tree (a loop ends, an
 * alias is skipped and the real name kept); a symlinked config file is read
 * through its link, and apply writes through it; a home with more files and
 * folders, or more config bytes, than the limits of load/config.h is refused
 * before anything is read. Homes are copies of tests/fixtures/errors/good:
 * repository/conf/carbon.xml and repository/conf/tomcat/catalina-server.xml.
 */
#define _GNU_SOURCE
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/fixture.h"
#include "../support/runner.h"
#include "catalog/catalog.h"
#include "detect/detect.h"
#include "load/config.h"
#include "parse/file.h"

#define CONF "home/repository/conf"

/* What the load stage read for the home's runtime: one line per file,
 * relative to the home, or "error: <message>". The caller frees it. */
static char *loaded(const fx *f, const char *name)
{
    ps_error err = {0};
    ps_catalog *cat;
    ps_home *home;
    ck_assert_int_eq(ps_catalog_builtin(&cat, &err), 0);
    ck_assert_msg(ps_detect(&home, cat, in(f, "%s", name), &err) == 0, "%s", err.message);
    ck_assert_uint_eq(home->nruntimes, 1);
    ps_config cfg;
    char *out = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&out, &len);
    if (ps_config_load_home(&cfg, home, &err) < 0) {
        fprintf(fp, "error: %s", err.message);
    } else {
        for (size_t i = 0; i < cfg.nfiles; i++)
            fprintf(fp, "%s\n", cfg.files[i].rel);
        ps_config_free(&cfg);
    }
    fclose(fp);
    ps_home_free(home);
    ps_catalog_free(cat);
    return out;
}

static void expect_loaded(const fx *f, const char *want)
{
    char *got = loaded(f, "home");
    ck_assert_str_eq(got, want);
    free(got);
}

static void link_at(const fx *f, const char *target, const char *rel)
{
    ck_assert_msg(symlink(target, in(f, "%s", rel)) == 0, "symlink %s", rel);
}

/* `plan --offset 3 home` prints exactly what it printed for the home as it was. */
static void same_plan(const fx *f, const cli_result *before)
{
    cli_result r = cli(f, "plan --offset 3 home");
    ck_assert_msg(r.status == 0, "plan: exit %d: %s", r.status, r.err);
    ck_assert_str_eq(r.out, before->out);
    ck_assert_str_eq(r.err, before->err);
    cli_result_free(&r);
}

/* A copy of good/ as scratch/home, with one more file conf/etc/<name>. */
static void good_home_with(fx *f, const char *name, const char *text)
{
    fx_open(f);
    fx_add(f, "good", "home");
    ck_assert_int_eq(mkdir(in(f, CONF "/etc"), 0755), 0);
    put(in(f, CONF "/etc/%s", name), text);
}

static void apply_3(const fx *f)
{
    cli_result r = cli(f, "apply --offset 3 home");
    ck_assert_msg(r.status == 0, "apply: exit %d: %s", r.status, r.err);
    cli_result_free(&r);
}

/* The file at scratch/rel holds `want` (whole, or somewhere with `part`). */
static void holds(const fx *f, const char *rel, const char *want, int part)
{
    char *data;
    size_t len;
    ck_assert_int_eq(ps_file_read(in(f, "%s", rel), &data, &len, NULL), 0);
    if (part)
        ck_assert_msg(strstr(data, want) != NULL, "%s lacks '%s':\n%s", rel, want, data);
    else
        ck_assert_str_eq(data, want);
    free(data);
}

static void still_a_link(const fx *f, const char *rel)
{
    struct stat st;
    ck_assert_int_eq(lstat(in(f, "%s", rel), &st), 0);
    ck_assert_msg(S_ISLNK(st.st_mode), "%s is no longer a symlink", rel);
}

static const char *const GOOD_FILES = "repository/conf/carbon.xml\n"
                                      "repository/conf/tomcat/catalina-server.xml\n";

/*
 * Two "ln -s . x" in one folder made the old walk recurse through x/y/x/...
 * until the kernel's 40 links, reading every file under it billions of
 * times: a hang (the test case's timeout) and gigabytes of memory. A link to
 * the folder above the config folder (../..) and one from a subfolder back
 * up (tomcat/up -> ..) are loops too.
 */
START_TEST(symlink_loops_end_each_file_once)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    cli_result before = cli(&f, "plan --offset 3 home");
    link_at(&f, ".", CONF "/x");
    link_at(&f, ".", CONF "/y");
    link_at(&f, "..", CONF "/tomcat/up");
    link_at(&f, "../..", CONF "/home");
    expect_loaded(&f, GOOD_FILES);
    same_plan(&f, &before);
    cli_result_free(&before);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/*
 * An alias of a folder or file already in scope is skipped and the real
 * name kept, whichever sorts first: "aaa" comes before "etc", and catalog
 * rules know files by their real path (tomcat/catalina-server.xml, never
 * tomcat2/catalina-server.xml). Each reference is planned once, and apply
 * leaves the links as links.
 */
START_TEST(aliases_skipped_real_names_kept)
{
    fx f;
    good_home_with(&f, "refs.xml", "<refs>\n  <u>https://localhost:9443/x</u>\n</refs>\n");
    cli_result before = cli(&f, "plan --offset 3 home");
    link_at(&f, "etc", CONF "/aaa");
    link_at(&f, "etc/refs.xml", CONF "/b.xml");
    link_at(&f, "tomcat", CONF "/tomcat2");
    link_at(&f, "../carbon.xml", CONF "/etc/carbon.xml");
    expect_loaded(&f, "repository/conf/carbon.xml\n"
                      "repository/conf/etc/refs.xml\n"
                      "repository/conf/tomcat/catalina-server.xml\n");
    same_plan(&f, &before);
    cli_result_free(&before);
    apply_3(&f);
    holds(&f, CONF "/etc/refs.xml", "<refs>\n  <u>https://localhost:9446/x</u>\n</refs>\n", 0);
    still_a_link(&f, CONF "/b.xml");
    fx_close(&f);
}
END_TEST

/*
 * Users symlink config files to a shared place: such a file is read once,
 * through its link, and apply writes its new bytes through to the target.
 * A symlinked folder outside the home is walked the same way.
 */
START_TEST(symlinked_config_file_read_through_its_link)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    ck_assert_int_eq(mkdir(in(&f, "shared"), 0755), 0);
    ck_assert_int_eq(rename(in(&f, CONF "/tomcat"), in(&f, "shared/tomcat")), 0);
    link_at(&f, "../../../shared/tomcat", CONF "/tomcat");
    ck_assert_int_eq(rename(in(&f, CONF "/carbon.xml"), in(&f, "shared/carbon.xml")), 0);
    link_at(&f, "../../../shared/carbon.xml", CONF "/carbon.xml");
    expect_loaded(&f, GOOD_FILES);
    apply_3(&f);
    holds(&f, "shared/carbon.xml", "<Offset>3</Offset>", 1);
    holds(&f, "shared/tomcat/catalina-server.xml", "redirectPort=\"9446\"", 1);
    still_a_link(&f, CONF "/carbon.xml");
    still_a_link(&f, CONF "/tomcat");
    fx_close(&f);
}
END_TEST

/*
 * Two hard links are two names the server may read: apply replaces a file
 * by renaming a new one over its name, so a name left out would keep the
 * old bytes. Both are read, and both are rewritten.
 */
START_TEST(hard_links_are_both_read)
{
    fx f;
    good_home_with(&f, "a.xml", "<u>https://localhost:9443/x</u>\n");
    ck_assert_int_eq(link(in(&f, CONF "/etc/a.xml"), in(&f, CONF "/etc/b.xml")), 0);
    expect_loaded(&f, "repository/conf/carbon.xml\n"
                      "repository/conf/etc/a.xml\n"
                      "repository/conf/etc/b.xml\n"
                      "repository/conf/tomcat/catalina-server.xml\n");
    apply_3(&f);
    holds(&f, CONF "/etc/a.xml", "<u>https://localhost:9446/x</u>\n", 0);
    holds(&f, CONF "/etc/b.xml", "<u>https://localhost:9446/x</u>\n", 0);
    fx_close(&f);
}
END_TEST

/* Descriptors open in this process. */
static int open_fds(void)
{
    int n = 0;
    for (int fd = 0; fd < 1024; fd++)
        n += fcntl(fd, F_GETFD) >= 0;
    return n;
}

/*
 * The walk opens each folder from its parent's descriptor, and keeps only a
 * few of them open: a chain of 150 folders, each holding a config file after
 * its subfolder in name order (d/, then z.xml), is read whole with a limit
 * of 48 descriptors, every z.xml of every level (the walk comes back up to
 * folders whose descriptors it gave away), and leaves no descriptor open.
 */
START_TEST(deep_folders_with_few_descriptors)
{
    enum { DEPTH = 150 };
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    char rel[2 * DEPTH + 64] = CONF "/deep";
    char *want = NULL;
    size_t wlen = 0;
    FILE *fp = open_memstream(&want, &wlen);
    fprintf(fp, "repository/conf/carbon.xml\n");
    /* Sorted as rel: "d/..." before "z.xml", so the deepest file first. */
    for (int k = 0; k < DEPTH; k++) {
        ck_assert_int_eq(mkdir(in(&f, "%s", rel), 0755), 0);
        put(in(&f, "%s/z.xml", rel), "<z/>\n");
        strcat(rel, "/d");
    }
    for (int k = DEPTH - 1; k >= 0; k--) {
        fprintf(fp, "repository/conf/deep/");
        for (int i = 0; i < k; i++)
            fprintf(fp, "d/");
        fprintf(fp, "z.xml\n");
    }
    fprintf(fp, "repository/conf/tomcat/catalina-server.xml\n");
    fclose(fp);
    struct rlimit was, low;
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &was), 0);
    low = was;
    low.rlim_cur = 48;
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
    int fds = open_fds();
    char *got = loaded(&f, "home");
    ck_assert_int_eq(open_fds(), fds);
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &was), 0);
    ck_assert_str_eq(got, want);
    free(got);
    free(want);
    fx_close(&f);
}
END_TEST

static void touch_at(int dfd, int i)
{
    char name[32];
    snprintf(name, sizeof name, "n%06d.txt", i);
    int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL, 0644);
    ck_assert_int_ge(fd, 0);
    close(fd);
}

/*
 * good/ has 3 names in scope (carbon.xml, tomcat, tomcat/catalina-server.xml);
 * a folder "many" is the 4th. With limit - 4 empty files in it the home holds
 * exactly the limit and is read; one more and every command refuses it
 * (apply with nothing written: the readers' snapshots would only read the
 * same 50000 empty files again).
 */
START_TEST(file_count_limit)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    ck_assert_int_eq(mkdir(in(&f, CONF "/many"), 0755), 0);
    int dfd = open(in(&f, CONF "/many"), O_RDONLY | O_DIRECTORY);
    ck_assert_int_ge(dfd, 0);
    for (int i = 0; i < PS_MAX_HOME_ENTRIES - 4; i++)
        touch_at(dfd, i);
    diff_pending(&f, "--offset 3 home", "exactly at the limit");
    touch_at(dfd, PS_MAX_HOME_ENTRIES);
    close(dfd);
    char needle[128];
    snprintf(needle, sizeof needle, "more than %d files and folders", PS_MAX_HOME_ENTRIES);
    refused(&f, APPLY, "--offset 3 home", "home", 0, 0, needle);
    for (const char *const *cmd = APPLY_DIFF_PLAN + 1; *cmd; cmd++) {
        cli_result r = cli(&f, "%s --offset 3 home", *cmd);
        expect_error(&r, *cmd, "home", 0, 0, needle, 0);
        cli_result_free(&r);
    }
    fx_close(&f);
}
END_TEST

/* Start scripts count towards the same limit: the 3 names of good/ and
 * limit - 3 empty scripts in bin/ are read; one script more is refused. */
START_TEST(start_scripts_count_towards_the_limit)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    ck_assert_int_eq(mkdir(in(&f, "home/bin"), 0755), 0);
    int dfd = open(in(&f, "home/bin"), O_RDONLY | O_DIRECTORY);
    ck_assert_int_ge(dfd, 0);
    char name[32];
    for (int i = 0; i <= PS_MAX_HOME_ENTRIES - 3; i++) {
        snprintf(name, sizeof name, "s%06d.sh", i);
        if (i == PS_MAX_HOME_ENTRIES - 3)
            diff_pending(&f, "--offset 3 home", "scripts exactly at the limit");
        int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL, 0644);
        ck_assert_int_ge(fd, 0);
        close(fd);
    }
    close(dfd);
    char needle[128];
    snprintf(needle, sizeof needle, "more than %d start scripts and config files",
             PS_MAX_HOME_ENTRIES);
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", "home", 0, 0, needle);
    fx_close(&f);
}
END_TEST

static void sparse(const char *path, off_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, size), 0);
    close(fd);
}

/*
 * The byte limit counts the sizes of the config files in scope, before any
 * is read, so sparse files (all zero bytes, no disk space) test it honestly:
 * at exactly the limit the home is read, and refused for the first sparse
 * file's content; one byte more and it is refused for its size. They sit in
 * a folder outside the scratch folder that conf/big links to, the way a
 * link to a big data folder would: the snapshots that show nothing was
 * written then read the home, not 256 MiB of zeros.
 */
START_TEST(byte_limit)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    struct stat a, b;
    ck_assert_int_eq(stat(in(&f, CONF "/carbon.xml"), &a), 0);
    ck_assert_int_eq(stat(in(&f, CONF "/tomcat/catalina-server.xml"), &b), 0);
    char store[4096], path[4200];
    snprintf(store, sizeof store, "%s.store", f.scratch);
    ck_assert_int_eq(mkdir(store, 0755), 0);
    link_at(&f, store, CONF "/big");
    off_t left = (off_t)PS_MAX_HOME_BYTES - a.st_size - b.st_size;
    for (int i = 0; left > 0; i++) {
        off_t size = left < (off_t)PS_MAX_FILE_SIZE ? left : (off_t)PS_MAX_FILE_SIZE;
        snprintf(path, sizeof path, "%s/z%02d.xml", store, i);
        sparse(path, size);
        left -= size;
    }
    cli_result r = cli(&f, "diff --offset 3 home");
    expect_error(&r, "diff at the byte limit", CONF "/big/z00.xml", 1, 1, "ASCII", 0);
    cli_result_free(&r);
    snprintf(path, sizeof path, "%s/z99.xml", store);
    sparse(path, 1);
    char needle[128];
    snprintf(needle, sizeof needle, "more than %zu MiB of config files", PS_MAX_HOME_BYTES >> 20);
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", "home", 0, 0, needle);
    ck_assert_int_eq(tree_remove(store), 0);
    fx_close(&f);
}
END_TEST

int main(void)
{
    if (fx_suite_root("load") < 0)
        return 1;
    Suite *s = suite_create("load");
    TCase *tc = tcase_create("walk");
    /* A walk that loops fails on this timeout, well before it fills the memory. */
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, symlink_loops_end_each_file_once);
    tcase_add_test(tc, aliases_skipped_real_names_kept);
    tcase_add_test(tc, symlinked_config_file_read_through_its_link);
    tcase_add_test(tc, hard_links_are_both_read);
    tcase_add_test(tc, deep_folders_with_few_descriptors);
    suite_add_tcase(s, tc);
    TCase *limits = tcase_create("limits");
    tcase_set_timeout(limits, 120);
    tcase_add_test(limits, file_count_limit);
    tcase_add_test(limits, start_scripts_count_towards_the_limit);
    tcase_add_test(limits, byte_limit);
    suite_add_tcase(s, limits);
    int failed = run_suite(s);
    fx_suite_done();
    return failed ? 1 : 0;
}
