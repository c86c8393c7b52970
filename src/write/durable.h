/*
 * What every write of portshift is built from: all bytes written, and the
 * names of staged files.
 *
 * A staged file is ".NAME.portshift-XXXXXX" (mkstemp's six characters) in
 * the folder of the NAME it is about to replace: rename(2) is atomic only
 * within one file system. One naming rule for config files, backups and
 * journals alike, so that the files a dead apply staged can be recognised.
 */
#ifndef PS_WRITE_DURABLE_H
#define PS_WRITE_DURABLE_H

#include <stddef.h>

#include <portshift/portshift.h>

/* Writes data[0..len) to fd, retrying short writes. -1 with errno set. */
int ps_write_all(int fd, const char *data, size_t len);

/* The mkstemp template that stages a replacement for `target`. Caller frees;
 * NULL when out of memory. */
char *ps_staged_template(const char *target);

/* 1 when `name` (a file name, no folder) has the form of a staged file. */
int ps_is_staged_name(const char *name);

/* 1 when `tmp` is a name ps_staged_template(target) can produce: the same
 * folder, spelled the same way, and ".<base of target>.portshift-XXXXXX". */
int ps_is_staged_for(const char *tmp, const char *target);

/*
 * Starts writing fd's dirty pages to disk without waiting for them
 * (sync_file_range SYNC_FILE_RANGE_WRITE where the system has it): a hint
 * that lets the disk take many files' bytes at once before each file's
 * fsync, which stays what makes the file durable. Nothing where there is no
 * such call; its failure is left for that fsync to report.
 */
void ps_start_writeback(int fd);

#endif
