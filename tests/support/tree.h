/*
 * Test support: copying a config tree to a scratch folder, taking a
 * byte-exact snapshot of it, comparing snapshots, and running the CLI
 * in-process with its output captured.
 */
#ifndef PS_TESTS_TREE_H
#define PS_TESTS_TREE_H

#include <stddef.h>

typedef struct snap_file {
    char *rel;
    char *data;
    size_t len;
} snap_file;

typedef struct snapshot {
    snap_file *files;
    size_t count;
} snapshot;

/* A fresh scratch folder (mkdtemp under TMPDIR); the caller removes it with tree_remove. */
char *tree_scratch(void);
/* cp -a src dst; 0 on success. */
int tree_copy(const char *src, const char *dst);
/* rm -rf, in-process (fuzz targets call it per input): symlinks are removed, never
 * followed; read-only folders are opened up first. 0 when nothing is left. */
int tree_remove(const char *path);
int run_cmd(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void snapshot_take(snapshot *s, const char *dir);
void snapshot_free(snapshot *s);
/* NULL when equal, else a message naming the first difference (caller frees). */
char *snapshot_diff(const snapshot *a, const snapshot *b);

typedef struct cli_result {
    int status;
    char *out;
    char *err;
} cli_result;

/* Runs ps_cli_main with the words of `cmdline` (split on spaces) in folder `cwd`. */
cli_result cli_run(const char *cwd, const char *cmdline);
/* The same with the words given one by one (NULL-terminated), spaces and all. */
cli_result cli_run_words(const char *cwd, const char *const *words);
void cli_result_free(cli_result *r);

#endif
