/* Joining file-system paths, and taking them apart. */
#ifndef PS_BASE_PATH_H
#define PS_BASE_PATH_H

/* a + "/" + b (one slash between them); an empty side yields the other. Caller frees. */
char *ps_path_join(const char *a, const char *b);

/* The folder part of `path`: "." when there is none, "/" for a name at the root. Caller frees. */
char *ps_path_dir(const char *path);

/* The last component of `path` (borrowed: points into `path`). */
const char *ps_path_base(const char *path);

/* `real`, an absolute path without symlinks (realpath's), relative to the
 * current folder: "am", "..", "../other/am", "." for the folder itself; so
 * messages name a folder found by resolving as the user's other paths are.
 * NULL when `real` is not absolute or the current folder cannot be read. */
char *ps_path_from_cwd(const char *real);

/* A resolved `path` as messages show paths: ps_path_from_cwd's, or the
 * path itself when that cannot be had. Caller frees. */
char *ps_path_shown(const char *path);

#endif
