/*
 * Suites that run on the real trees of the shared corpus: where the corpus
 * is, scratch copies of its trees, and small edits to the copied files (a
 * corpus file is never written).
 */
#ifndef PS_TESTS_CORPUS_H
#define PS_TESTS_CORPUS_H

#include <stddef.h>

/* The corpus folder: $PS_CORPUS_DIR, else ../shared/corpus of the source tree. */
const char *corpus_dir(void);
/* Every home of the corpus, variants/ included (a folder holding a
 * carbon.xml or a deployment.toml), as absolute paths in readdir order, at
 * most CORPUS_MAX_TREES; the count (0 when the corpus is absent). */
#define CORPUS_MAX_TREES 64
int corpus_trees(char **out);

/* 1 when corpus tree `tree` ("wso2am-4.2.0") is there. */
int corpus_has(const char *tree);
/* A suite's guard: 1, after one line on stdout naming the first missing tree
 * ("suite: DIR/TREE not found: skipping"), when any of trees[0..n) is not
 * there (main then returns PS_SKIPPED); 0 when all are. */
int corpus_lacks(const char *suite, const char *const *trees, size_t n);
/* Copies corpus tree `tree` to dir/name; the test fails when it cannot. */
void corpus_copy(const char *tree, const char *dir, const char *name);

/* The bytes of `path`, NUL-terminated (the test fails when it cannot be read). */
char *file_text(const char *path);
/* 1 when file `path` holds `needle`. */
int file_holds(const char *path, const char *needle);
/* Replaces the first `from` that follows `anchor` (NULL: the start) in file
 * `path` by `to`; the test fails when there is none. */
void file_replace(const char *path, const char *anchor, const char *from, const char *to);
/* Appends `text` to file `path`, creating it when absent. */
void file_append(const char *path, const char *text);

#endif
