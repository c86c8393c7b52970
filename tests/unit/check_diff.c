/*
 * The unified diff writer on edit lists: exact output for the shapes
 * portshift produces, worked out by hand. check_diff_tools.c holds the round
 * trips through GNU patch and git apply and the comparison with GNU diff -u.
 */
#include "report/diff.h"

#include <check.h>

#include "../support/runner.h"
#include <stdlib.h>
#include <string.h>

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

/* An edit of bytes [start, end). Only the span and the text are read. */
static ps_edit span(size_t start, size_t end, const char *text)
{
    return (ps_edit){.span = {start, end}, .text = (char *)text};
}

/* The first `needle` of `old` becomes `text`. */
static ps_edit at(const char *old, const char *needle, const char *text)
{
    const char *p = strstr(old, needle);
    ck_assert_ptr_nonnull(p);
    return span((size_t)(p - old), (size_t)(p - old) + strlen(needle), text);
}

/* An insertion of `text` where the first `needle` of `old` starts. */
static ps_edit before(const char *old, const char *needle, const char *text)
{
    ps_edit e = at(old, needle, text);
    e.span.end = e.span.start;
    return e;
}

static void expect_edits(const char *path, const char *old, const ps_edit *edits, size_t n,
                         const char *expected, int hunks)
{
    ps_strbuf out = PS_STRBUF_INIT;
    int got = ps_diff_unified(&out, path, old, strlen(old), edits, n);
    ck_assert_str_eq(out.data ? out.data : "", expected);
    ck_assert_int_eq(got, hunks);
    ps_strbuf_free(&out);
}

static void expect_one(const char *path, const char *old, ps_edit e, const char *expected,
                       int hunks)
{
    expect_edits(path, old, &e, 1, expected, hunks);
}

/* The diff of numbered lines changed by `edits` ("K=text", "K+text", "K-"), with `eol`;
 * `chopped`: the text has no final line end. */
static void expect_numbered_eol(int lines, const char *eol, int chopped, const char *const *edits,
                                const char *expected, int hunks)
{
    ps_edit *list;
    size_t n;
    char *old = numbered_edits(lines, eol, edits, &list, &n);
    if (chopped)
        chop(old);
    expect_edits("f.conf", old, list, n, expected, hunks);
    numbered_edits_free(list, n);
    free(old);
}

static void expect_numbered(int lines, const char *const *edits, const char *expected, int hunks)
{
    expect_numbered_eol(lines, "\n", 0, edits, expected, hunks);
}

/* ---- exact output ------------------------------------------------------- */

START_TEST(no_change_gives_nothing)
{
    ps_strbuf out = PS_STRBUF_INIT;
    ps_strbuf_puts(&out, "kept");
    char *a = numbered(20, NULL);
    ck_assert_int_eq(ps_diff_unified(&out, "f", a, strlen(a), NULL, 0), 0);
    ck_assert_int_eq(ps_diff_unified(&out, "f", NULL, 0, NULL, 0), 0);
    /* An edit that writes what was there changes no line. */
    ps_edit same[] = {at(a, "line 7", "line 7"), span(0, 0, "")};
    ck_assert_int_eq(ps_diff_unified(&out, "f", a, strlen(a), &same[0], 1), 0);
    ck_assert_int_eq(ps_diff_unified(&out, "f", a, strlen(a), &same[1], 1), 0);
    ck_assert_str_eq(out.data, "kept");
    ck_assert_uint_eq(out.len, 4);
    free(a);
    ps_strbuf_free(&out);
}
END_TEST

START_TEST(bad_edit_lists_are_refused)
{
    /* Out of order, overlapping, past the end, or a span that ends before it starts: -1, and
     * nothing appended. */
    const char *old = "a1\nb2\nc3\n";
    ps_edit unordered[] = {span(7, 8, "9"), span(1, 2, "9")};
    ps_edit overlapping[] = {span(0, 2, "x"), span(1, 2, "9")};
    ps_edit past[] = {span(8, 10, "9")};
    ps_edit reversed[] = {span(2, 1, "9")};
    ps_strbuf out = PS_STRBUF_INIT;
    ck_assert_int_eq(ps_diff_unified(&out, "f", old, strlen(old), unordered, 2), -1);
    ck_assert_int_eq(ps_diff_unified(&out, "f", old, strlen(old), overlapping, 2), -1);
    ck_assert_int_eq(ps_diff_unified(&out, "f", old, strlen(old), past, 1), -1);
    ck_assert_int_eq(ps_diff_unified(&out, "f", old, strlen(old), reversed, 1), -1);
    ck_assert_uint_eq(out.len, 0);
    ps_strbuf_free(&out);
}
END_TEST

START_TEST(appends_to_existing_output)
{
    ps_strbuf out = PS_STRBUF_INIT;
    ps_strbuf_puts(&out, "before\n");
    ps_edit e = span(0, 1, "b");
    ck_assert_int_eq(ps_diff_unified(&out, "f", "a\n", 2, &e, 1), 1);
    ck_assert_str_eq(out.data, "before\n" HDR("f") "@@ -1 +1 @@\n-a\n+b\n");
    ps_strbuf_free(&out);
}
END_TEST

START_TEST(one_digit_in_the_middle)
{
    char *old = numbered(20, EDITS("10=port = 8080"));
    expect_one("conf/server.properties", old, at(old, "8080", "8081"),
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
}
END_TEST

START_TEST(two_edits_on_one_line)
{
    /* Both ports of a line: one changed line. */
    char *old = numbered(8, EDITS("4=<a port=\"9443\" redirect=\"9763\"/>"));
    ps_edit e[] = {at(old, "9443", "9446"), at(old, "9763", "9766")};
    expect_edits("f.xml", old, e, 2,
                 HDR("f.xml") "@@ -1,7 +1,7 @@\n"
                              " line 1\n"
                              " line 2\n"
                              " line 3\n"
                              "-<a port=\"9443\" redirect=\"9763\"/>\n"
                              "+<a port=\"9446\" redirect=\"9766\"/>\n"
                              " line 5\n"
                              " line 6\n"
                              " line 7\n",
                 1);
    free(old);
}
END_TEST

START_TEST(adjacent_lines_are_one_run)
{
    /* Edits on consecutive lines: all the '-' lines, then all the '+' lines, as GNU does. */
    expect_numbered(9, EDITS("4=four", "5=five", "6=six"),
                    HDR("f.conf") "@@ -1,9 +1,9 @@\n"
                                  " line 1\n"
                                  " line 2\n"
                                  " line 3\n"
                                  "-line 4\n"
                                  "-line 5\n"
                                  "-line 6\n"
                                  "+four\n"
                                  "+five\n"
                                  "+six\n"
                                  " line 7\n"
                                  " line 8\n"
                                  " line 9\n",
                    1);
}
END_TEST

START_TEST(first_and_last_lines)
{
    /* Context is cut short at both ends of the file. */
    expect_numbered(20, EDITS("1=LINE 1", "20=LINE 20"),
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
    expect_numbered(8, EDITS("1=LINE 1", "8=LINE 8"),
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
    expect_numbered(20, EDITS("3=LINE 3", "15=LINE 15"),
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
    expect_numbered(20, EDITS("8=LINE 8", "13=LINE 13"),
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
    expect_numbered(20, EDITS("5=LINE 5", "12=LINE 12"),
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
    expect_numbered(20, EDITS("5=LINE 5", "13=LINE 13"),
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
    expect_numbered(20, EDITS("10+inserted"),
                    HDR("f.conf") "@@ -8,6 +8,7 @@\n"
                                  " line 8\n"
                                  " line 9\n"
                                  " line 10\n"
                                  "+inserted\n"
                                  " line 11\n"
                                  " line 12\n"
                                  " line 13\n",
                    1);
    expect_numbered(20, EDITS("0+first"),
                    HDR("f.conf") "@@ -1,3 +1,4 @@\n"
                                  "+first\n"
                                  " line 1\n"
                                  " line 2\n"
                                  " line 3\n",
                    1);
    expect_numbered(20, EDITS("20+last"),
                    HDR("f.conf") "@@ -18,3 +18,4 @@\n"
                                  " line 18\n"
                                  " line 19\n"
                                  " line 20\n"
                                  "+last\n",
                    1);
    /* Three lines at once, with the line numbers of the second hunk shifted by them. */
    expect_numbered(20, EDITS("2+a", "2+b", "2+c", "18=LINE 18"),
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
    /* An inserted line next to a changed one: one run when they touch, the line after an
     * insertion staying context when only the line before it changes. */
    expect_numbered(7, EDITS("3+new", "4=LINE 4"),
                    HDR("f.conf") "@@ -1,7 +1,8 @@\n"
                                  " line 1\n"
                                  " line 2\n"
                                  " line 3\n"
                                  "-line 4\n"
                                  "+new\n"
                                  "+LINE 4\n"
                                  " line 5\n"
                                  " line 6\n"
                                  " line 7\n",
                    1);
    expect_numbered(7, EDITS("3=LINE 3", "3+new"),
                    HDR("f.conf") "@@ -1,6 +1,7 @@\n"
                                  " line 1\n"
                                  " line 2\n"
                                  "-line 3\n"
                                  "+LINE 3\n"
                                  "+new\n"
                                  " line 4\n"
                                  " line 5\n"
                                  " line 6\n",
                    1);
    expect_numbered(7, EDITS("3+new", "5=LINE 5"),
                    HDR("f.conf") "@@ -1,7 +1,8 @@\n"
                                  " line 1\n"
                                  " line 2\n"
                                  " line 3\n"
                                  "+new\n"
                                  " line 4\n"
                                  "-line 5\n"
                                  "+LINE 5\n"
                                  " line 6\n"
                                  " line 7\n",
                    1);
}
END_TEST

START_TEST(deleted_line)
{
    expect_numbered(20, EDITS("10-"),
                    HDR("f.conf") "@@ -7,7 +7,6 @@\n"
                                  " line 7\n"
                                  " line 8\n"
                                  " line 9\n"
                                  "-line 10\n"
                                  " line 11\n"
                                  " line 12\n"
                                  " line 13\n",
                    1);
    expect_numbered(20, EDITS("1-"),
                    HDR("f.conf") "@@ -1,4 +1,3 @@\n"
                                  "-line 1\n"
                                  " line 2\n"
                                  " line 3\n"
                                  " line 4\n",
                    1);
    /* A deletion and a replacement in one run: deletions first, as GNU does. */
    expect_numbered(6, EDITS("3-", "4=four"),
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
    expect_one("f", "", span(0, 0, "a\nb\n"), HDR("f") "@@ -0,0 +1,2 @@\n+a\n+b\n", 1);
    expect_one("f", "a\nb\n", span(0, 4, ""), HDR("f") "@@ -1,2 +0,0 @@\n-a\n-b\n", 1);
    expect_one("f", "a\n", span(0, 1, "b"), HDR("f") "@@ -1 +1 @@\n-a\n+b\n", 1);
    expect_one("f", "a\n", span(2, 2, "b\n"), HDR("f") "@@ -1 +1,2 @@\n a\n+b\n", 1);
    expect_one("f", "a\nb\nc\n", span(0, 6, "x\ny\n"),
               HDR("f") "@@ -1,3 +1,2 @@\n-a\n-b\n-c\n+x\n+y\n", 1);
}
END_TEST

START_TEST(crlf_lines_keep_their_cr)
{
    expect_numbered_eol(6, "\r\n", 0, EDITS("4=LINE 4"),
                        HDR("f.conf") "@@ -1,6 +1,6 @@\n"
                                      " line 1\r\n"
                                      " line 2\r\n"
                                      " line 3\r\n"
                                      "-line 4\r\n"
                                      "+LINE 4\r\n"
                                      " line 5\r\n"
                                      " line 6\r\n",
                        1);
    /* A line whose ending alone changes is a changed line. */
    char *old = numbered_eol(6, "\r\n", NULL);
    expect_one("win.ini", old, at(old, "\r\nline 3", "\nline 3"),
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
    expect_numbered_eol(5, "\n", 1, EDITS("5=LINE 5"),
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
    expect_numbered_eol(10, "\n", 1, EDITS("8=LINE 8"),
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
    expect_one("f", "a\nb", span(3, 3, "\nc\n"),
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
    char *old = numbered(5, NULL);
    size_t len = strlen(old);
    expect_one("f.conf", old, span(len - 1, len, ""),
               HDR("f.conf") "@@ -2,4 +2,4 @@\n"
                             " line 2\n"
                             " line 3\n"
                             " line 4\n"
                             "-line 5\n"
                             "+line 5\n"
                             "\\ No newline at end of file\n",
               1);
    chop(old);
    expect_one("f.conf", old, span(len - 1, len - 1, "\n"),
               HDR("f.conf") "@@ -2,4 +2,4 @@\n"
                             " line 2\n"
                             " line 3\n"
                             " line 4\n"
                             "-line 5\n"
                             "\\ No newline at end of file\n"
                             "+line 5\n",
               1);
    expect_one("f", "x", span(1, 1, "\n"),
               HDR("f") "@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+x\n", 1);
    free(old);
}
END_TEST

START_TEST(toml_key_lines_in_and_out)
{
    /* The shapes of deployment.toml keys portshift adds (ps_site_text) and takes out again
     * (the undo span): a line at a line start; a table at the end of a file that has no
     * final newline, added with the break before it. */
    const char *toml =
        "[server]\nhostname = \"localhost\"\n#offset=0\n\n[user_store]\ntype = \"db\"";
    expect_one("d.toml", toml, before(toml, "\n[user_store]", "offset = 3  # portshift\n"),
               HDR("d.toml") "@@ -1,6 +1,7 @@\n"
                             " [server]\n"
                             " hostname = \"localhost\"\n"
                             " #offset=0\n"
                             "+offset = 3  # portshift\n"
                             " \n"
                             " [user_store]\n"
                             " type = \"db\"\n"
                             "\\ No newline at end of file\n",
               1);
    const char *added = "[server]\nhostname = \"localhost\"\n#offset=0\n"
                        "offset = 3  # portshift\n\n[user_store]\ntype = \"db\"";
    expect_one("d.toml", added, at(added, "offset = 3  # portshift\n", ""),
               HDR("d.toml") "@@ -1,7 +1,6 @@\n"
                             " [server]\n"
                             " hostname = \"localhost\"\n"
                             " #offset=0\n"
                             "-offset = 3  # portshift\n"
                             " \n"
                             " [user_store]\n"
                             " type = \"db\"\n"
                             "\\ No newline at end of file\n",
               1);
    const char *plain = "a = 1\nb = 2";
    expect_one("d.toml", plain, span(11, 11, "\n\n[server]  # portshift\noffset = 3  # portshift"),
               HDR("d.toml") "@@ -1,2 +1,5 @@\n"
                             " a = 1\n"
                             "-b = 2\n"
                             "\\ No newline at end of file\n"
                             "+b = 2\n"
                             "+\n"
                             "+[server]  # portshift\n"
                             "+offset = 3  # portshift\n"
                             "\\ No newline at end of file\n",
               1);
    const char *table = "a = 1\nb = 2\n\n[server]  # portshift\noffset = 3  # portshift";
    expect_one("d.toml", table, span(11, strlen(table), ""),
               HDR("d.toml") "@@ -1,5 +1,2 @@\n"
                             " a = 1\n"
                             "-b = 2\n"
                             "-\n"
                             "-[server]  # portshift\n"
                             "-offset = 3  # portshift\n"
                             "\\ No newline at end of file\n"
                             "+b = 2\n"
                             "\\ No newline at end of file\n",
               1);
}
END_TEST

START_TEST(changes_show_where_the_edits_are)
{
    /* The edit says which line changed, where a line matcher would have to guess: a line
     * inserted before its twin shows before it (GNU diff, matching lines, puts it after). */
    expect_one("f", "a\na\n", span(0, 0, "a\n"), HDR("f") "@@ -1,2 +1,3 @@\n+a\n a\n a\n", 1);
    /* A line changed into its neighbour stays a changed line. */
    expect_one("f", "k\na\nb\nz\n", span(2, 3, "b"),
               HDR("f") "@@ -1,4 +1,4 @@\n k\n-a\n+b\n b\n z\n", 1);
}
END_TEST

START_TEST(bytes_and_names)
{
    static const char old[] = "a\0b\nplain\n";
    static const char expected[] = HDR("bin") "@@ -1,2 +1,2 @@\n a\0b\n-plain\n+changed\n";
    ps_edit e = span(4, 9, "changed");
    ps_strbuf out = PS_STRBUF_INIT;
    ck_assert_int_eq(ps_diff_unified(&out, "bin", old, sizeof old - 1, &e, 1), 1);
    ck_assert_uint_eq(out.len, sizeof expected - 1);
    ck_assert(memcmp(out.data, expected, out.len) == 0);
    ps_strbuf_free(&out);

    /* GNU patch stops reading a name at a space unless a tab follows it. */
    expect_one("my dir/a b.ini", "a\n", span(0, 1, "b"),
               "--- a/my dir/a b.ini\t\n+++ b/my dir/a b.ini\t\n@@ -1 +1 @@\n-a\n+b\n", 1);
}
END_TEST

START_TEST(large_file)
{
    ps_edit *list;
    size_t n;
    char *old =
        numbered_edits(30000, "\n", EDITS("100=changed", "15000-", "29990+added"), &list, &n);
    ck_assert_uint_gt(strlen(old), 300000);
    ps_strbuf out = PS_STRBUF_INIT;
    ck_assert_int_eq(ps_diff_unified(&out, "big.xml", old, strlen(old), list, n), 3);
    ck_assert_ptr_nonnull(strstr(out.data, "\n@@ -97,7 +97,7 @@\n line 97\n"));
    ck_assert_ptr_nonnull(strstr(out.data, "\n@@ -14997,7 +14997,6 @@\n line 14997\n"));
    ck_assert_ptr_nonnull(strstr(out.data, "\n@@ -29988,6 +29987,7 @@\n line 29988\n"));
    ck_assert_ptr_nonnull(strstr(out.data, " line 29990\n+added\n line 29991\n"));
    ck_assert_uint_lt(out.len, 1000);
    ps_strbuf_free(&out);
    numbered_edits_free(list, n);
    free(old);
}
END_TEST

static Suite *diff_suite(void)
{
    Suite *s = suite_create("diff");

    TCase *tc = tcase_create("output");
    tcase_add_test(tc, no_change_gives_nothing);
    tcase_add_test(tc, bad_edit_lists_are_refused);
    tcase_add_test(tc, appends_to_existing_output);
    tcase_add_test(tc, one_digit_in_the_middle);
    tcase_add_test(tc, two_edits_on_one_line);
    tcase_add_test(tc, adjacent_lines_are_one_run);
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
    tcase_add_test(tc, toml_key_lines_in_and_out);
    tcase_add_test(tc, changes_show_where_the_edits_are);
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
