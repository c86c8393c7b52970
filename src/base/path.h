/* Joining file-system paths, and taking them apart. */
#ifndef PS_BASE_PATH_H
#define PS_BASE_PATH_H

#include <stddef.h>

/* a + "/" + b (one slash between them); an empty side yields the other.
 * Caller frees; NULL when out of memory. */
char *ps_path_join(const char *a, const char *b);

/* The folder part of `path`: "." when there is none, "/" for a name at the
 * root. Caller frees; NULL when out of memory. */
char *ps_path_dir(const char *path);

/* The last component of `path` (borrowed: points into `path`). */
const char *ps_path_base(const char *path);

/* Whether `path` ends with `suffix` (".service", ".sh"). */
int ps_path_has_suffix(const char *path, const char *suffix);

/* When `path` is `folder` or lies beneath it (whole components: "am2" is not
 * under "am"), the length of `folder` matched, so path + that is "" or
 * "/rest" ("rest" when `folder` is "/"); else 0. */
size_t ps_path_under(const char *path, const char *folder);

/* `real`, an absolute path without symlinks (realpath's), relative to the
 * current folder: "am", "..", "../other/am", "." for the folder itself; so
 * messages name a folder found by resolving as the user's other paths are.
 * NULL when `real` is not absolute, the current folder cannot be read, or
 * out of memory. */
char *ps_path_from_cwd(const char *real);

/* A resolved `path` as messages show paths: ps_path_from_cwd's, or the
 * path itself when that cannot be had. Caller frees; NULL when out of
 * memory. */
char *ps_path_shown(const char *path);

#endif
