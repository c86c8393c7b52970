/*
 * What a killed apply left behind (an apply is all or nothing, even across
 * a crash), and what the next call does
 * with it. Each home's record (journal.h) is about that home alone; a call
 * acts on the homes it names and only reads the others.
 *
 * A record is a claim, checked before anything is done. The anchors: SQLite
 * plays back a "hot" journal only when it belongs to the database beside it
 * and no live process holds it (sqlite.org/atomiccommit.html, section 4);
 * libgit2's filebuf (src/util/filebuf.c) stages beside the target with
 * O_EXCL and commits by one rename; systemd's chase() (src/basic/chase.c)
 * resolves a path beneath a root one component at a time and, with
 * CHASE_SAFE, refuses to pass from a file of one user to one of another.
 * It is acted on only when:
 *   - it is a regular file, with one name, owned by the caller or root and
 *     writable by no one else (journal.c);
 *   - every path it names resolves beneath the home without a symlinked
 *     folder, and a link's target is where the home's symlink still leads;
 *   - every staged file is a regular file with one name that holds the new
 *     bytes, and every target holds its old bytes or its new ones;
 *   - with the privilege boundary (the home's owner is not the caller),
 *     the owner may write every target.
 * Otherwise: -1 and a message that names the file, why, and the command
 * that works: `portshift recover --discard HOME`, which removes the record
 * and its staged files and keeps every file as it is (no marker is left:
 * the home is then read as found, and `check` says what is stale).
 *
 * Which part counts: the commit home's record holds the same id (or the
 * home is the commit home) and the apply is finished: every staged file
 * renamed over its target. The commit home holds an undo of the apply: the
 * undo is finished. Neither: nothing was renamed yet (a file that holds its
 * new bytes says otherwise), and the staged files only go. A commit home
 * finished while another home still holds its part keeps a "done" record,
 * the evidence that home needs, until that home is finished too.
 *
 * A copy: a record in a folder that is not the home it names (cp -a, a
 * restored backup) is finished in place, for the files of the folder it sits
 * in, when everything checks; the original and every other home are never
 * touched.
 *
 * Finish, not undo: every staged file was written and synced before the
 * first rename, so rolling forward needs nothing that could be missing, and
 * it ends where the operator was going.
 */
#ifndef PS_WRITE_RECOVER_H
#define PS_WRITE_RECOVER_H

#include <stddef.h>

#include <portshift/portshift.h>

#include "base/strbuf.h"
#include "write/lock.h"

enum ps_recover_flags {
    /* Finish even where the home's server runs. */
    PS_RECOVER_FORCE = 1,
    /* Drop the record and its staged files; keep the files as they are. */
    PS_RECOVER_DISCARD = 2
};

/*
 * With an exclusive lock on the home folder `homefd` (`shown`: the home as
 * named): does what its record calls for (see above). Appends a line to
 * `report` for what it did. 0 when the home holds no record that stands in
 * the way any more (none, or a "done" one), -1 with err.
 */
int ps_recover_home(int homefd, const char *shown, unsigned flags, ps_strbuf *report,
                    ps_error *err);

/* ps_recover_home for every home `locks` holds (exclusively), then once
 * more for the "done" records that the first pass made needless. */
int ps_recover(const ps_locks *locks, unsigned flags, ps_strbuf *report, ps_error *err);
/* ps_recover where the call names start files (--start-file): a record's
 * "start" move is finished only for a file named here again, by identity
 * (journal.h); else -1, the message giving the command that names it. With
 * PS_RECOVER_DISCARD no naming is needed: only the staged file the record
 * names (that inode) is removed, the start file itself is not touched. */
int ps_recover_start(const ps_locks *locks, unsigned flags, const char *const *start_files,
                     size_t nstart_files, ps_strbuf *report, ps_error *err);

/*
 * For the commands that only read: -1 with a message naming the command
 * that works for the record `home` holds (recover, or recover --discard),
 * 0 when it holds none (or a "done" one).
 */
int ps_recover_refuse(const char *home, ps_error *err);

/*
 * What an apply killed while staging (no record names it) left beside a
 * start file outside its home (`real`, its absolute real path): the files
 * staged for that name, and nothing else of its folder, go. Called with the
 * start file's home locked exclusively, after its record is dealt with.
 */
int ps_recover_staged_beside(const char *real, ps_error *err);

/*
 * Removes staged files (".NAME.portshift-XXXXXX", regular files) that an
 * apply killed while staging left: in the home folder `homefd` and in the
 * folders of rels[0..n) (paths relative to the home), each reached beneath
 * the home without following a symlink (a symlinked folder is left alone).
 * Call with the exclusive lock, after ps_recover_home.
 */
int ps_recover_staged(int homefd, const char *shown, const char *const *rels, size_t n,
                      ps_error *err);

#endif
