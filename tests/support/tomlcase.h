/* Helpers for the TOML reader suites: parsing an input from an exact-size
 * copy (so a read past its end shows under valgrind and ASan), parsing a
 * file, and the refusal every TOML error must be. */
#ifndef PS_TESTS_TOMLCASE_H
#define PS_TESTS_TOMLCASE_H

#include <stddef.h>

#include "parse/toml.h"

/* The path inline inputs are parsed as. */
#define TOML_PATH "conf/deployment.toml"

/* data[0, len) in a heap buffer of exactly len bytes; the caller frees it. */
char *exact_copy(const char *data, size_t len);
/* ps_toml_parse of an exact-size copy of data[0, len) as TOML_PATH; err is cleared first. */
int toml_parse_bytes(ps_toml *t, const char *data, size_t len, ps_error *err);
/* ps_toml_parse of the file at `path` (the test fails when it cannot be read). */
int toml_parse_file(ps_toml *t, const char *path, ps_error *err);
/* rc is -1 and err reads "invalid TOML: ...`what`..." at path:line:col
 * (line or col 0: any, but there is one). */
void assert_toml_refused(const char *label, int rc, const ps_error *err, const char *path, int line,
                         int col, const char *what);

/* 1 when data[sp) is exactly `want`. */
int span_is(const char *data, ps_span sp, const char *want);
/* 1 when every field of `t` is empty, as after a refusal or ps_toml_free. */
int zeroed(const ps_toml *t);
/* The first entry of `table` whose joined key is `key`, or NULL (the byte view). */
const ps_toml_entry *entry_of(const ps_toml *t, const char *table, const char *key);

#endif
