/*
 * Reading a config file's bytes, and turning byte offsets into line:col.
 * Files are read whole, by us, with a size cap: libxml2 only ever parses
 * memory we hand it.
 */
#ifndef PS_PARSE_FILE_H
#define PS_PARSE_FILE_H

#include <stddef.h>
#include <stdint.h>

#include <portshift/portshift.h>

/* WSO2 config files are at most a few hundred KiB; anything past this is not one. */
#define PS_MAX_FILE_SIZE ((size_t)16 << 20)

/* Reads `path` into a NUL-terminated buffer the caller frees. -1 on error;
 * "not a regular file" (never opened, so never waited on) for a FIFO, a
 * device, a socket or a folder, symlinks followed. */
int ps_file_read(const char *path, char **data, size_t *len, ps_error *err);

/* A 64-bit digest of data[0, len): what a file held when it was read, kept
 * after its bytes are freed, so a second read can tell whether the file
 * changed in between. Not cryptographic: it guards against accidents (an
 * editor saving under us), not against an adversary, who could write the
 * file after any check anyway. */
uint64_t ps_bytes_digest(const char *data, size_t len);

/*
 * Start offsets of every line of a buffer, for offset -> line:col lookups.
 * Most files never need one (only a file with a port site or an error does),
 * so the index is built by the first lookup, not by ps_lines_build. That
 * first lookup writes to the struct: one file's lines are looked up by one
 * thread at a time.
 */
typedef struct ps_lines {
    const char *data; /* the buffer (borrowed) */
    size_t len;
    size_t *start; /* NULL until the first lookup */
    size_t count;
} ps_lines;

/* Prepares lookups in data[0, len), which must outlive `lines`. */
void ps_lines_build(ps_lines *lines, const char *data, size_t len);
/* 1-based line and byte column of `offset`. */
void ps_lines_pos(const ps_lines *lines, size_t offset, int *line, int *col);
void ps_lines_free(ps_lines *lines);
/* ps_error_set at the line:col of byte `offset`. Always returns -1. */
int ps_lines_error(const ps_lines *lines, ps_error *err, const char *path, size_t offset,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
