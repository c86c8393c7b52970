/* Joining file-system paths, and taking them apart. */
#ifndef PS_BASE_PATH_H
#define PS_BASE_PATH_H

/* a + "/" + b (one slash between them); an empty side yields the other. Caller frees. */
char *ps_path_join(const char *a, const char *b);

/* The folder part of `path`: "." when there is none, "/" for a name at the root. Caller frees. */
char *ps_path_dir(const char *path);

/* The last component of `path` (borrowed: points into `path`). */
const char *ps_path_base(const char *path);

/* `path` made absolute against the current folder when it is relative (not
 * resolved: symlinks stay as named). NULL when the current folder cannot be
 * read. Caller frees. */
char *ps_path_absolute(const char *path);

/* An absolute `path` as messages show paths: relative to the current folder
 * when it lies beneath it, else as it is. Caller frees. */
char *ps_path_shown(const char *path);

#endif
