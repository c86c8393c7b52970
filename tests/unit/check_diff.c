/*
 * The unified diff writer: exact output for the shapes portshift produces,
 * worked out by hand. check_diff_tools.c holds the round trips through GNU
 * patch and git apply and the comparison with GNU diff -u.
 */
#include "report/diff.h"

#include <check.h>

#include "../support/runner.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../support/numbered.h"
#include "base/strbuf.h"

#define HDR(p) "--- a/" p "\n+++ b/" p "\n"

/* ---- building inputs ---------------------------------------------------- */

/* Drops the final '\n'. */
static char *chop(char *s)
{
    size_t len = strlen(s);
    if (len && s[len - 1] == '\n')
        s[len - 1] = '\0';
    return s;
}

static void expect_diff(const char *path, const char *old, const char *new_, const char *expected,
                        int hunks)
{
    ps_strbuf out = PS_STRBUF_INIT;
    int got = ps_diff_unified(&out, path, old, strlen(old), new_, strlen(new_));
    ck_assert_str_eq(out.data ? out.data : "", expected);
    ck_assert_int_eq(got, hunks);
    ps_strbuf_free(&out);
}

/* Same, for inputs built by numbered(), which it frees. */
static void expect_diff_owned(char *old, char *new_, const char *expected, int hunks)
{
    expect_diff("f.conf", old, new_, expected, hunks);
    free(old);
    free(new_);
}

/* ---- exact output ------------------------------------------------------- */

START_TEST(identical_gives_nothing)
{
    ps_strbuf out = PS_STRBUF_INIT;
    ps_strbuf_puts(&out, "kept");
    char *a = numbered(20, NULL), *b = numbered(20, NULL);
    ck_assert_int_eq(ps_diff_unified(&out, "f", a, strlen(a), b, strlen(b)), 0);
    ck_assert_int_eq(ps_diff_unified(&out, "f", "", 0, "", 0), 0);
    ck_assert_int_eq(ps_diff_unified(&out, "f", NULL, 0, NULL, 0), 0);
    ck_assert_int_eq(ps_diff_unified(&out, "f", "x", 1, "x", 1), 0);
    ck_assert_str_eq(out.data, "kept");
    ck_assert_uint_eq(out.len, 4);
    free(a);
    free(b);
    ps_strbuf_free(&out);
}
END_TEST

START_TEST(appends_to_existing_output)
{
    ps_strbuf out = PS_STRBUF_INIT;
    ps_strbuf_puts(&out, "before\n");
    ck_assert_int_eq(ps_diff_unified(&out, "f", "a\n", 2, "b\n", 2), 1);
    ck_assert_str_eq(out.data, "before\n" HDR("f") "@@ -1 +1 @@\n-a\n+b\n");
    ps_strbuf_free(&out);
}
END_TEST

START_TEST(one_digit_in_the_middle)
{
    char *old = numbered(20, EDITS("10=port = 8080"));
    char *new_ = numbered(20, EDITS("10=port = 8081"));
    expect_diff("conf/server.properties", old, new_,
                HDR("conf/server.properties") "@@ -7,7 +7,7 @@\n"
                                              " line 7\n"
                                              " line 8\n"
                                              " line 9\n"
                                              "-port = 8080\n"
                                              "+port = 8081\n"
                                              " line 11\n"
                                              " line 12\n"
                                              " line 13\n",
                1);
    free(old);
    free(new_);
}
END_TEST

START_TEST(first_and_last_lines)
{
    /* Context is cut short at both ends of the file. */
    expect_diff_owned(numbered(20, NULL), numbered(20, EDITS("1=LINE 1", "20=LINE 20")),
                      HDR("f.conf") "@@ -1,4 +1,4 @@\n"
                                    "-line 1\n"
                                    "+LINE 1\n"
                                    " line 2\n"
                                    " line 3\n"
                                    " line 4\n"
                                    "@@ -17,4 +17,4 @@\n"
                                    " line 17\n"
                                    " line 18\n"
                                    " line 19\n"
                                    "-line 20\n"
                                    "+LINE 20\n",
                      2);
    /* Eight lines: the six between the changes are exactly both contexts, so one hunk. */
    expect_diff_owned(numbered(8, NULL), numbered(8, EDITS("1=LINE 1", "8=LINE 8")),
                      HDR("f.conf") "@@ -1,8 +1,8 @@\n"
                                    "-line 1\n"
                                    "+LINE 1\n"
                                    " line 2\n"
                                    " line 3\n"
                                    " line 4\n"
                                    " line 5\n"
                                    " line 6\n"
                                    " line 7\n"
                                    "-line 8\n"
                                    "+LINE 8\n",
                      1);
}
END_TEST

START_TEST(far_apart_changes_make_two_hunks)
{
    expect_diff_owned(numbered(20, NULL), numbered(20, EDITS("3=LINE 3", "15=LINE 15")),
                      HDR("f.conf") "@@ -1,6 +1,6 @@\n"
                                    " line 1\n"
                                    " line 2\n"
                                    "-line 3\n"
                                    "+LINE 3\n"
                                    " line 4\n"
                                    " line 5\n"
                                    " line 6\n"
                                    "@@ -12,7 +12,7 @@\n"
                                    " line 12\n"
                                    " line 13\n"
                                    " line 14\n"
                                    "-line 15\n"
                                    "+LINE 15\n"
                                    " line 16\n"
                                    " line 17\n"
                                    " line 18\n",
                      2);
}
END_TEST

START_TEST(changes_five_lines_apart_share_a_hunk)
{
    expect_diff_owned(numbered(20, NULL), numbered(20, EDITS("8=LINE 8", "13=LINE 13")),
                      HDR("f.conf") "@@ -5,12 +5,12 @@\n"
                                    " line 5\n"
                                    " line 6\n"
                                    " line 7\n"
                                    "-line 8\n"
                                    "+LINE 8\n"
                                    " line 9\n"
                                    " line 10\n"
                                    " line 11\n"
                                    " line 12\n"
                                    "-line 13\n"
                                    "+LINE 13\n"
                                    " line 14\n"
                                    " line 15\n"
                                    " line 16\n",
                      1);
}
END_TEST

START_TEST(merge_threshold_is_gnus)
{
    /* Six unchanged lines between: the two contexts touch, GNU merges. */
    expect_diff_owned(numbered(20, NULL), numbered(20, EDITS("5=LINE 5", "12=LINE 12")),
                      HDR("f.conf") "@@ -2,14 +2,14 @@\n"
                                    " line 2\n"
                                    " line 3\n"
                                    " line 4\n"
                                    "-line 5\n"
                                    "+LINE 5\n"
                                    " line 6\n"
                                    " line 7\n"
                                    " line 8\n"
                                    " line 9\n"
                                    " line 10\n"
                                    " line 11\n"
                                    "-line 12\n"
                                    "+LINE 12\n"
                                    " line 13\n"
                                    " line 14\n"
                                    " line 15\n",
                      1);
    /* Seven: line 9 belongs to neither context, so two hunks. */
    expect_diff_owned(numbered(20, NULL), numbered(20, EDITS("5=LINE 5", "13=LINE 13")),
                      HDR("f.conf") "@@ -2,7 +2,7 @@\n"
                                    " line 2\n"
                                    " line 3\n"
                                    " line 4\n"
                                    "-line 5\n"
                                    "+LINE 5\n"
                                    " line 6\n"
                                    " line 7\n"
                                    " line 8\n"
                                    "@@ -10,7 +10,7 @@\n"
                                    " line 10\n"
                                    " line 11\n"
                                    " line 12\n"
                                    "-line 13\n"
                                    "+LINE 13\n"
                                    " line 14\n"
                                    " line 15\n"
                                    " line 16\n",
                      2);
}
END_TEST

START_TEST(inserted_line)
{
    expect_diff_owned(numbered(20, NULL), numbered(20, EDITS("10+inserted")),
                      HDR("f.conf") "@@ -8,6 +8,7 @@\n"
                                    " line 8\n"
                                    " line 9\n"
                                    " line 10\n"
                                    "+inserted\n"
                                    " line 11\n"
                                    " line 12\n"
                                    " line 13\n",
                      1);
    expect_diff_owned(numbered(20, NULL), numbered(20, EDITS("0+first")),
                      HDR("f.conf") "@@ -1,3 +1,4 @@\n"
                                    "+first\n"
                                    " line 1\n"
                                    " line 2\n"
                                    " line 3\n",
                      1);
    expect_diff_owned(numbered(20, NULL), numbered(20, EDITS("20+last")),
                      HDR("f.conf") "@@ -18,3 +18,4 @@\n"
                                    " line 18\n"
                                    " line 19\n"
                                    " line 20\n"
                                    "+last\n",
                      1);
    /* Three lines at once, with the line numbers of the second hunk shifted by them. */
    expect_diff_owned(numbered(20, NULL), numbered(20, EDITS("2+a", "2+b", "2+c", "18=LINE 18")),
                      HDR("f.conf") "@@ -1,5 +1,8 @@\n"
                                    " line 1\n"
                                    " line 2\n"
                                    "+a\n"
                                    "+b\n"
                                    "+c\n"
                                    " line 3\n"
                                    " line 4\n"
                                    " line 5\n"
                                    "@@ -15,6 +18,6 @@\n"
                                    " line 15\n"
                                    " line 16\n"
                                    " line 17\n"
                                    "-line 18\n"
                                    "+LINE 18\n"
                                    " line 19\n"
                                    " line 20\n",
                      2);
}
END_TEST

START_TEST(deleted_line)
{
    expect_diff_owned(numbered(20, NULL), numbered(20, EDITS("10-")),
                      HDR("f.conf") "@@ -7,7 +7,6 @@\n"
                                    " line 7\n"
                                    " line 8\n"
                                    " line 9\n"
                                    "-line 10\n"
                                    " line 11\n"
                                    " line 12\n"
                                    " line 13\n",
                      1);
    expect_diff_owned(numbered(20, NULL), numbered(20, EDITS("1-")),
                      HDR("f.conf") "@@ -1,4 +1,3 @@\n"
                                    "-line 1\n"
                                    " line 2\n"
                                    " line 3\n"
                                    " line 4\n",
                      1);
    /* A deletion and an unequal replacement in one block: deletions first, as GNU does. */
    expect_diff_owned(numbered(6, NULL), numbered(6, EDITS("3-", "4=four")),
                      HDR("f.conf") "@@ -1,6 +1,5 @@\n"
                                    " line 1\n"
                                    " line 2\n"
                                    "-line 3\n"
                                    "-line 4\n"
                                    "+four\n"
                                    " line 5\n"
                                    " line 6\n",
                      1);
}
END_TEST

START_TEST(range_conventions)
{
    /* An empty range is named by the line before it; a count of one is left out. */
    expect_diff("f", "", "a\nb\n", HDR("f") "@@ -0,0 +1,2 @@\n+a\n+b\n", 1);
    expect_diff("f", "a\nb\n", "", HDR("f") "@@ -1,2 +0,0 @@\n-a\n-b\n", 1);
    expect_diff("f", "a\n", "b\n", HDR("f") "@@ -1 +1 @@\n-a\n+b\n", 1);
    expect_diff("f", "a\n", "a\nb\n", HDR("f") "@@ -1 +1,2 @@\n a\n+b\n", 1);
    expect_diff("f", "a\nb\nc\n", "x\ny\n", HDR("f") "@@ -1,3 +1,2 @@\n-a\n-b\n-c\n+x\n+y\n", 1);
}
END_TEST

START_TEST(crlf_lines_keep_their_cr)
{
    char *old = numbered_eol(6, "\r\n", NULL);
    char *new_ = numbered_eol(6, "\r\n", EDITS("4=LINE 4"));
    expect_diff("win.ini", old, new_,
                HDR("win.ini") "@@ -1,6 +1,6 @@\n"
                               " line 1\r\n"
                               " line 2\r\n"
                               " line 3\r\n"
                               "-line 4\r\n"
                               "+LINE 4\r\n"
                               " line 5\r\n"
                               " line 6\r\n",
                1);
    free(new_);
    /* A line whose ending alone changes is a changed line. */
    expect_diff("win.ini", old, "line 1\r\nline 2\nline 3\r\nline 4\r\nline 5\r\nline 6\r\n",
                HDR("win.ini") "@@ -1,5 +1,5 @@\n"
                               " line 1\r\n"
                               "-line 2\r\n"
                               "+line 2\n"
                               " line 3\r\n"
                               " line 4\r\n"
                               " line 5\r\n",
                1);
    free(old);
}
END_TEST

START_TEST(no_final_newline)
{
    /* The changed last line lacks a newline on both sides: both get the marker. */
    expect_diff_owned(chop(numbered(5, NULL)), chop(numbered(5, EDITS("5=LINE 5"))),
                      HDR("f.conf") "@@ -2,4 +2,4 @@\n"
                                    " line 2\n"
                                    " line 3\n"
                                    " line 4\n"
                                    "-line 5\n"
                                    "\\ No newline at end of file\n"
                                    "+LINE 5\n"
                                    "\\ No newline at end of file\n",
                      1);
    /* Unchanged, it is context and still carries the marker. */
    expect_diff_owned(chop(numbered(10, NULL)), chop(numbered(10, EDITS("8=LINE 8"))),
                      HDR("f.conf") "@@ -5,6 +5,6 @@\n"
                                    " line 5\n"
                                    " line 6\n"
                                    " line 7\n"
                                    "-line 8\n"
                                    "+LINE 8\n"
                                    " line 9\n"
                                    " line 10\n"
                                    "\\ No newline at end of file\n",
                      1);
    /* Appending after it changes it too: it gains a newline. */
    expect_diff("f", "a\nb", "a\nb\nc\n",
                HDR("f") "@@ -1,2 +1,3 @@\n"
                         " a\n"
                         "-b\n"
                         "\\ No newline at end of file\n"
                         "+b\n"
                         "+c\n",
                1);
}
END_TEST

START_TEST(only_the_final_newline_changes)
{
    expect_diff_owned(numbered(5, NULL), chop(numbered(5, NULL)),
                      HDR("f.conf") "@@ -2,4 +2,4 @@\n"
                                    " line 2\n"
                                    " line 3\n"
                                    " line 4\n"
                                    "-line 5\n"
                                    "+line 5\n"
                                    "\\ No newline at end of file\n",
                      1);
    expect_diff_owned(chop(numbered(5, NULL)), numbered(5, NULL),
                      HDR("f.conf") "@@ -2,4 +2,4 @@\n"
                                    " line 2\n"
                                    " line 3\n"
                                    " line 4\n"
                                    "-line 5\n"
                                    "\\ No newline at end of file\n"
                                    "+line 5\n",
                      1);
    expect_diff("f", "x", "x\n", HDR("f") "@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+x\n", 1);
}
END_TEST

START_TEST(ambiguous_changes_are_placed_like_gnu)
{
    /* A repeated line is added after the last copy... */
    expect_diff("f", "a\na\n", "a\na\na\n", HDR("f") "@@ -1,2 +1,3 @@\n a\n a\n+a\n", 1);
    expect_diff("f", "x\na\nb\ny\n", "x\na\nb\na\nb\ny\n",
                HDR("f") "@@ -1,4 +1,6 @@\n x\n a\n b\n+a\n+b\n y\n", 1);
    /* ...but GNU sets aside the common tail of both files except for three lines, so a line
     * added to a run that continues into that tail slides only three lines into it. */
    expect_diff("f", "X\nc\nc\nc\nb\nb\nb\nb\nb\nt1\nt2\nt3\nt4\n",
                "Y\nc\nc\nc\nb\nb\nb\nb\nb\nb\nt1\nt2\nt3\nt4\n",
                HDR("f") "@@ -1,10 +1,11 @@\n"
                         "-X\n"
                         "+Y\n"
                         " c\n"
                         " c\n"
                         " c\n"
                         " b\n"
                         " b\n"
                         " b\n"
                         "+b\n"
                         " b\n"
                         " b\n"
                         " t1\n",
                1);
    /* A deletion next to an insertion in the other file stays there, shown as a replacement. */
    expect_diff("f", "k\na\na\nz\n", "k\nb\na\nz\n",
                HDR("f") "@@ -1,4 +1,4 @@\n k\n-a\n+b\n a\n z\n", 1);
}
END_TEST

START_TEST(bytes_and_names)
{
    static const char old[] = "a\0b\nplain\n";
    static const char new_[] = "a\0b\nchanged\0\n";
    static const char expected[] = HDR("bin") "@@ -1,2 +1,2 @@\n a\0b\n-plain\n+changed\0\n";
    ps_strbuf out = PS_STRBUF_INIT;
    ck_assert_int_eq(ps_diff_unified(&out, "bin", old, sizeof old - 1, new_, sizeof new_ - 1), 1);
    ck_assert_uint_eq(out.len, sizeof expected - 1);
    ck_assert(memcmp(out.data, expected, out.len) == 0);
    ps_strbuf_free(&out);

    /* GNU patch stops reading a name at a space unless a tab follows it. */
    expect_diff("my dir/a b.ini", "a\n", "b\n",
                "--- a/my dir/a b.ini\t\n+++ b/my dir/a b.ini\t\n@@ -1 +1 @@\n-a\n+b\n", 1);
}
END_TEST

START_TEST(large_file)
{
    char *old = numbered(30000, NULL);
    char *new_ = numbered(30000, EDITS("100=changed", "15000-", "29990+added"));
    ck_assert_uint_gt(strlen(old), 300000);
    ps_strbuf out = PS_STRBUF_INIT;
    ck_assert_int_eq(ps_diff_unified(&out, "big.xml", old, strlen(old), new_, strlen(new_)), 3);
    ck_assert_ptr_nonnull(strstr(out.data, "\n@@ -97,7 +97,7 @@\n line 97\n"));
    ck_assert_ptr_nonnull(strstr(out.data, "\n@@ -14997,7 +14997,6 @@\n line 14997\n"));
    ck_assert_ptr_nonnull(strstr(out.data, "\n@@ -29988,6 +29987,7 @@\n line 29988\n"));
    ck_assert_ptr_nonnull(strstr(out.data, " line 29990\n+added\n line 29991\n"));
    ck_assert_uint_lt(out.len, 1000);
    ps_strbuf_free(&out);
    free(old);
    free(new_);
}
END_TEST

static Suite *diff_suite(void)
{
    Suite *s = suite_create("diff");

    TCase *tc = tcase_create("output");
    tcase_add_test(tc, identical_gives_nothing);
    tcase_add_test(tc, appends_to_existing_output);
    tcase_add_test(tc, one_digit_in_the_middle);
    tcase_add_test(tc, first_and_last_lines);
    tcase_add_test(tc, far_apart_changes_make_two_hunks);
    tcase_add_test(tc, changes_five_lines_apart_share_a_hunk);
    tcase_add_test(tc, merge_threshold_is_gnus);
    tcase_add_test(tc, inserted_line);
    tcase_add_test(tc, deleted_line);
    tcase_add_test(tc, range_conventions);
    tcase_add_test(tc, crlf_lines_keep_their_cr);
    tcase_add_test(tc, no_final_newline);
    tcase_add_test(tc, only_the_final_newline_changes);
    tcase_add_test(tc, ambiguous_changes_are_placed_like_gnu);
    tcase_add_test(tc, bytes_and_names);
    tcase_add_test(tc, large_file);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    int failed = run_suite(diff_suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
