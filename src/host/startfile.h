/*
 * Start files (--start-file): files outside the homes that start one of
 * them with -DportOffset (a systemd unit, an environment file, a wrapper
 * script), named by the operator. Each belongs to the home of the call
 * whose path it names, or to the only home of the call when it names none;
 * one naming several homes, or none in a call of several, is refused. What
 * -DportOffset it sets is read downstream like a start script's
 * (sites/start.c), at the ranks above the scripts'.
 */
#ifndef PS_HOST_STARTFILE_H
#define PS_HOST_STARTFILE_H

#include <stddef.h>

#include <portshift/portshift.h>

typedef struct ps_start_file {
    char *path; /* as named */
    char *real; /* its absolute real path */
    char *data; /* its bytes, until a home's config takes them (NULL then) */
    size_t len;
    size_t home; /* the index of its home in the call's distinct homes */
    char *named; /* the path it names under that home, relative to it ("" for the
                  * home itself); NULL when it names none */
} ps_start_file;

/*
 * Reads paths[0..npaths) (each a regular file, never waited on: ps_file_read)
 * and matches each to one of homes[0..nhomes) (the call's distinct homes, as
 * named): a path in its text, outside comment lines, that resolves to the
 * home's folder or below it. A file named twice is taken once. -1 with the
 * file's path and the reason: unreadable, inside a home of the call, naming
 * two homes, or naming none while the call has several.
 */
int ps_start_files_read(ps_start_file **out, size_t *n, const char *const *paths, size_t npaths,
                        const char *const *homes, size_t nhomes, ps_error *err);
void ps_start_files_free(ps_start_file *files, size_t n);

/* 1 when the start file at `path` (absolute, resolved) holding data[0..len) is a systemd unit
 * (a .service or .socket name, a folder named systemd on its path, or a
 * [Service] section): systemd reads it again only on daemon-reload. */
int ps_start_file_is_unit(const char *path, const char *data, size_t len);

#endif
