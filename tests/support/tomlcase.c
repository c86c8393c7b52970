#include "tomlcase.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parse/file.h"

char *exact_copy(const char *data, size_t len)
{
    char *p = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(p);
    if (len)
        memcpy(p, data, len);
    return p;
}

int toml_parse_bytes(ps_toml *t, const char *data, size_t len, ps_error *err)
{
    char *copy = exact_copy(data, len);
    memset(err, 0, sizeof *err);
    int rc = ps_toml_parse(t, TOML_PATH, copy, len, err);
    free(copy); /* the record holds no pointer into the bytes */
    return rc;
}

int toml_parse_file(ps_toml *t, const char *path, ps_error *err)
{
    char *data;
    size_t len;
    memset(err, 0, sizeof *err);
    ck_assert_msg(ps_file_read(path, &data, &len, err) == 0, "%s: %s", path, err->message);
    int rc = ps_toml_parse(t, path, data, len, err);
    free(data);
    return rc;
}

void assert_toml_refused(const char *label, int rc, const ps_error *err, const char *path, int line,
                         int col, const char *what)
{
    ck_assert_msg(rc == -1, "[%s] accepted", label);
    ck_assert_msg(strcmp(err->path, path) == 0, "[%s] path '%s', want '%s'", label, err->path,
                  path);
    ck_assert_msg(strncmp(err->message, "invalid TOML: ", 14) == 0 && strstr(err->message, what),
                  "[%s] message '%s', want 'invalid TOML: ...%s...'", label, err->message, what);
    ck_assert_msg(
        (line ? err->line == line : err->line > 0) && (col ? err->col == col : err->col > 0),
        "[%s] at %d:%d (%s), want %d:%d", label, err->line, err->col, err->message, line, col);
}

int span_is(const char *data, ps_span sp, const char *want)
{
    size_t n = strlen(want);
    return sp.start <= sp.end && sp.end - sp.start == n && memcmp(data + sp.start, want, n) == 0;
}

int zeroed(const ps_toml *t)
{
    return !t->entries && !t->nentries && !t->strings && !t->nstrings && !t->tables &&
           !t->ntables && !t->nodes && !t->nnodes && !t->slots && !t->nslots && !t->crlf;
}

/* The first entry of `table` whose joined key is `key`, or NULL (the byte view). */
const ps_toml_entry *entry_of(const ps_toml *t, const char *table, const char *key)
{
    for (size_t i = 0; i < t->nentries; i++)
        if (strcmp(t->entries[i].table, table) == 0 && strcmp(t->entries[i].key, key) == 0)
            return &t->entries[i];
    return NULL;
}
