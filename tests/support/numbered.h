/* Numbered test texts for the diff suites: "line 1" .. "line n", with edits. */
#ifndef PS_TESTS_NUMBERED_H
#define PS_TESTS_NUMBERED_H

/* A NULL-terminated list of edits for numbered(). */
#define EDITS(...) ((const char *const[]){__VA_ARGS__, NULL})

/*
 * "line 1" .. "line n", each ending in `eol`, changed by `edits` (NULL or
 * NULL-terminated): "K=text" replaces line K, "K+text" adds a line after line
 * K (0: before the first), "K-" deletes line K. Line numbers are the original
 * ones, so the expected hunks can be worked out by hand. The caller frees.
 */
char *numbered_eol(int n, const char *eol, const char *const *edits);
/* The same with "\n" line ends. */
char *numbered(int n, const char *const *edits);

#endif
