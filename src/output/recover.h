/*
 * Finishing what a dead apply left behind (DESIGN §2.5). The next apply on
 * any home of a killed apply, holding the locks, finishes that apply for
 * every one of its homes before it reads anything: the records of
 * journal.h say which staged files still wait for their rename.
 *
 * Finish, not undo: every staged file was written and synced before the
 * first rename, so rolling forward needs nothing that could be missing,
 * and it ends where the operator was going. Undoing would need the
 * original bytes of the files already replaced, which exist only in the
 * process that died (or in backups the operator may not have asked for).
 */
#ifndef PS_OUTPUT_RECOVER_H
#define PS_OUTPUT_RECOVER_H

#include <stddef.h>

#include <portshift/portshift.h>

#include "base/strbuf.h"
#include "output/lock.h"

/*
 * With exclusive locks on `locks`: reads the record of every held home,
 * locks every other home those records name (`locks` grows, in lock order)
 * and reads again, until no record names a home not held. Then each record
 * whose first home holds it is finished: every staged file that still
 * exists is renamed over its target (one that is gone was renamed already)
 * and its drops removed; the files any other record names are removed.
 * The folders are synced, then the records removed. A record that cannot
 * be read, and a home of a record with a live server (unless `force`), are
 * errors before anything is done. Appends a line per apply to `report`.
 */
int ps_recover(ps_locks *locks, int force, ps_strbuf *report, ps_error *err);

/* For the commands that only read: -1 with an error naming the command that
 * finishes the apply when `home` holds a record, else 0. */
int ps_recover_refuse(const char *home, ps_error *err);

/*
 * Removes staged files (".NAME.portshift-XXXXXX") that no record names, left
 * by an apply killed while staging: in each held home and in the folders of
 * files[0..n) (as named and as resolved), as far as those lie inside a held
 * home. Call with exclusive locks, after ps_recover: no live apply can then
 * own them. (A folder outside every home may be shared with another home's
 * apply, so it is left alone.)
 */
int ps_recover_staged(const char *const *files, size_t n, const ps_locks *locks, ps_error *err);

#endif
