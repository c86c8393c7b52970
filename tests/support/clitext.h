/*
 * Asserting what the CLI prints, for the suites that run it on copies of the
 * corpus: a line holding several pieces, the line a text sits on in a file,
 * an exit status with the output shown when it is wrong, a JSON document
 * validated against its schema in schemas/, and a socket listening on a
 * port of this host.
 */
#ifndef PS_TESTS_CLITEXT_H
#define PS_TESTS_CLITEXT_H

#include <check.h>
#include <stddef.h>

#include "tree.h"

/* 1 when some line of `text` holds every one of needles[0..n). */
int line_with(const char *text, const char *const *needles, size_t n);

#define LINE_WITH(text, ...)                                                                       \
    ck_assert_msg(line_with(text, (const char *const[]){__VA_ARGS__},                              \
                            sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *)),          \
                  "no line with " #__VA_ARGS__ " in:\n%s", text)

/* The 1-based line of `path` where `needle` first occurs (the case fails when it does not). */
int line_of(const char *path, const char *needle);

/* cli_run with the command line built by printf. */
cli_result cli_runf(const char *cwd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The case fails, showing stdout and stderr, unless r exited with `status`. */
void expect_status(const cli_result *r, int status, const char *what);

/* 1 when python3 with jsonschema (Draft 2020-12) is there to validate JSON. */
int have_validator(void);
/* Validates `json` against schemas/<schema> (and the schema itself), using
 * dir/doc.json; the case fails, naming the error, when it does not hold. */
void validate(const char *dir, const char *json, const char *schema, const char *what);

/* A socket listening on 127.0.0.1:port: its fd, or -1 when the port cannot be bound. */
int listen_on(long port);
/* A socket on 127.0.0.1 at the first port from 9443 + 10 on that nobody
 * uses; its offset from 9443, or -1 (the fd in *fd) when none is free. */
long listen_free(int *fd, long *port);

#endif
