/*
 * src/parse/file: a file read whole, whatever its size against the reads'
 * sizes, and byte offsets turned into line:col. The line index is built by
 * the first lookup: lookups answer the same whichever comes first, for LF,
 * CRLF, a missing final newline and an empty buffer.
 */
#include "parse/file.h"

#include <check.h>

#include "../support/runner.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BYTES(s) s, sizeof(s) - 1

static const struct pos_case {
    const char *label;
    const char *data;
    size_t len;
    size_t offset;
    int line, col;
} pos_cases[] = {
    {"first byte", BYTES("ab\ncd\n"), 0, 1, 1},
    {"the newline ends its line", BYTES("ab\ncd\n"), 2, 1, 3},
    {"after a newline", BYTES("ab\ncd\n"), 3, 2, 1},
    {"last byte", BYTES("ab\ncd\n"), 5, 2, 3},
    {"the end of a file with a final newline", BYTES("ab\ncd\n"), 6, 3, 1},
    {"the end of a file without one", BYTES("ab\ncd"), 5, 2, 3},
    {"CRLF: the CR is on its line", BYTES("ab\r\ncd\r\n"), 2, 1, 3},
    {"CRLF: after the LF", BYTES("ab\r\ncd\r\n"), 4, 2, 1},
    {"empty lines", BYTES("\n\n\nx"), 3, 4, 1},
    {"empty buffer", BYTES(""), 0, 1, 1},
};

/* Each offset of a case, looked up first and after every other offset. */
START_TEST(test_lines_pos)
{
    const struct pos_case *c = &pos_cases[_i];
    ps_lines fresh, used;
    ps_lines_build(&fresh, c->data, c->len);
    ps_lines_build(&used, c->data, c->len);
    int line, col;
    for (size_t off = 0; off <= c->len; off++)
        ps_lines_pos(&used, off, &line, &col);
    ps_lines_pos(&fresh, c->offset, &line, &col);
    ck_assert_msg(line == c->line && col == c->col, "[%s] first lookup %d:%d, want %d:%d", c->label,
                  line, col, c->line, c->col);
    ps_lines_pos(&used, c->offset, &line, &col);
    ck_assert_msg(line == c->line && col == c->col, "[%s] later lookup %d:%d, want %d:%d", c->label,
                  line, col, c->line, c->col);
    ps_lines_free(&fresh);
    ps_lines_free(&used);
}
END_TEST

/* Sizes around the file's own size and around a page: the bytes read are the
 * file's, no more, NUL-terminated. */
START_TEST(test_read_whole)
{
    static const size_t sizes[] = {0, 1, 2, 4095, 4096, 4097, 70000};
    char path[] = "/tmp/check_file_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i];
        char *want = malloc(n + 1);
        for (size_t k = 0; k < n; k++)
            want[k] = (char)('a' + k % 26);
        FILE *f = fopen(path, "wb");
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(want, 1, n, f), n);
        fclose(f);
        char *data = NULL;
        size_t len = 99;
        ps_error err;
        memset(&err, 0, sizeof err);
        ck_assert_msg(ps_file_read(path, &data, &len, &err) == 0, "%zu bytes: %s", n, err.message);
        ck_assert_uint_eq(len, n);
        ck_assert_int_eq(memcmp(data, want, n), 0);
        ck_assert_int_eq(data[n], '\0');
        free(data);
        free(want);
    }
    unlink(path);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("file");
    TCase *tc = tcase_create("file");
    tcase_add_loop_test(tc, test_lines_pos, 0, (int)(sizeof pos_cases / sizeof pos_cases[0]));
    tcase_add_test(tc, test_read_whole);
    suite_add_tcase(s, tc);
    return run_suite(s) ? EXIT_FAILURE : EXIT_SUCCESS;
}
