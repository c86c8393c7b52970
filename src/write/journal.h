/*
 * The record an apply keeps in each home while it renames files:
 * <home>/.portshift-journal. A process killed between two renames
 * leaves it behind; recover.h says what the next call does with it.
 *
 * One record per home, about that home only. It names:
 *   - the home itself by identity (device, inode, and the real path it had),
 *     so a record found in another folder (a copy: cp -a, rsync, a restored
 *     backup) is known for one;
 *   - the commit home: the home whose record decides whether the apply
 *     counts. Its record is written after every other home's and removed
 *     before them (SQLite's hot journal, spread over several folders): when
 *     the commit home holds a record with the same id, every other home has
 *     its record and the apply is to be finished; when it does not, nothing
 *     was renamed yet and the staged files are only to be removed;
 *   - the other homes of the apply, so the message can name them;
 *   - the home's moves: a staged file and the file it replaces, both
 *     relative to the home, with digests of the target's old bytes and of
 *     the new ones; a "link" move replaces the target of a config symlink
 *     that leads out of the home, and also names the link, which must still
 *     lead there;
 *   - drops: staged files to remove (the rest of an undone apply).
 * A record with no move and no drop is "done": its home's part is finished,
 * and it stays only as the commit evidence that other homes of the apply
 * still need (a commit home finished alone).
 *
 * The record is a claim, not a command: recover.c acts on it only after
 * checking it against the disk (see there). Paths are relative so that the
 * record cannot name a file outside its home; "link" targets are absolute
 * and trusted only while the link in the home resolves to them.
 *
 * The digest is parse/file.h's 64-bit one, which guards against accidents,
 * not against an adversary: the record is trusted only when written by the
 * caller or root, and every file it can make portshift replace is one the
 * home's owner may write anyway, so a forged collision gains nothing that
 * writing the file directly would not.
 *
 * Text, one item a line, each path length-prefixed ("<bytes>:<path>") so
 * any byte of a file name survives:
 *
 *   portshift journal 2
 *   id 3f1a-65f0b1c2.123456789-0
 *   home 2049 1183 8:/srv/am1                  device, inode, real path
 *   commit 2049 1183 8:/srv/am1
 *   peer 2049 2211 8:/srv/is1                  (zero or more)
 *   move 44:repository/conf/.carbon.xml.portshift-Ab12Cd 26:repository/conf/carbon.xml
 *        8f2c...(16 hex) 01aa...(16 hex)         (old digest, or "-" for no file; new)
 *   link 32:repository/conf/axis2/axis2.xml 38:/shared/.axis2.xml.portshift-Xy34Zw
 *        16:/shared/axis2.xml <old> <new>
 *   start 2049 5521 5530 31:/etc/systemd/system/.wso2.service.portshift-Kk12Mm
 *        26:/etc/systemd/system/wso2.service <old> <new>
 *   drop 39:repository/conf/.x.xml.portshift-Qq11Qq
 *   undo 3f1a-65f0b1c2.223456789-1              (a peer's record during an undo:
 *   move ...                                    the undo's moves and drops follow)
 *   end
 * (each move, link and start on one line).
 *
 * A "start" move replaces a start file outside the home that the operator
 * named (--start-file): absolute paths, the device, the file's inode before
 * the apply and the staged file's (the rename gives the target the staged
 * file's inode), so recover acts on it only when the call names the same
 * file again (the same path and one of the two inodes). The line came with
 * --start-file; a portshift from before refuses a record that holds one
 * ("expected 'move', ..."), so it never acts on what it cannot check.
 */
#ifndef PS_WRITE_JOURNAL_H
#define PS_WRITE_JOURNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <portshift/portshift.h>

#include "base/strbuf.h"

#define PS_JOURNAL_NAME ".portshift-journal"

/* A record larger than this is not one portshift wrote. */
#define PS_JOURNAL_MAX ((size_t)4 << 20)

typedef struct ps_home_id {
    dev_t dev;
    ino_t ino;
    char *path; /* absolute, resolved when the record was written */
} ps_home_id;

typedef struct ps_journal_move {
    char *link;   /* NULL, or the home's config symlink whose target is replaced */
    char *staged; /* relative to the home; absolute for a link */
    char *target; /* relative to the home; absolute for a link */
    int had_old;  /* 0: no file was there (a backup's name) */
    /* A start file outside the home (--start-file): staged and target are
     * absolute; dev/ino the target's before the rename, staged_ino the staged
     * file's (the target's after). */
    int outside;
    dev_t dev;
    ino_t ino, staged_ino;
    uint64_t old_digest, new_digest;
} ps_journal_move;

/* What one apply (or the undo of one) does in a home. */
typedef struct ps_journal_part {
    ps_journal_move *moves; /* in the order they are made */
    size_t nmoves, capmoves;
    char **drops;
    size_t ndrops, capdrops;
} ps_journal_part;

/* Zero-initialise, then the setters and adders; the journal owns its strings. */
typedef struct ps_journal {
    char *id;
    ps_home_id home;
    ps_home_id commit;
    ps_home_id *peers;
    size_t npeers, cappeers;
    ps_journal_part part; /* the apply `id` */
    /*
     * A peer home's record while the apply is being undone (a rename or a
     * sync failed): `undo` puts the original bytes back, and counts once
     * the commit home holds `undo_id`; until then `part` (what is left of
     * the apply) still counts. NULL and empty otherwise.
     */
    char *undo_id;
    ps_journal_part undo;
} ps_journal;

/*
 * The setters and adders return 0, or -1 when out of memory, leaving the
 * journal as it was (still freed by ps_journal_free).
 */
/* Gives j an id no other record of this host has (pid, clock, counter). */
int ps_journal_new_id(ps_journal *j);
int ps_home_id_set(ps_home_id *id, dev_t dev, ino_t ino, const char *path);
int ps_journal_add_peer(ps_journal *j, dev_t dev, ino_t ino, const char *path);
/* Starts `to` (empty) as `from`: the id `id`, its home, commit home and
 * peers, no moves. 0, or -1 when out of memory (what was set stays: free `to`). */
int ps_journal_copy_head(ps_journal *to, const ps_journal *from, const char *id);
/* `m`'s strings are copied. */
int ps_journal_add_move(ps_journal_part *p, const ps_journal_move *m);
int ps_journal_add_drop(ps_journal_part *p, const char *staged);
void ps_journal_free(ps_journal *j);

/* 1 when j's home is its commit home. */
int ps_journal_is_commit(const ps_journal *j);
/* 1 when j is "done": its home's part finished, kept as commit evidence (no
 * move, no drop, no undo). */
int ps_journal_is_done(const ps_journal *j);

/* Appends j's text to `out` (its owner checks ps_strbuf_oom). */
void ps_journal_format(const ps_journal *j, ps_strbuf *out);
/*
 * Parses a record; `path` names it in errors (path:line:col). Refuses
 * anything portshift does not write: a relative path that could leave the
 * home (absolute, "..", "."), a staged name not beside its target, a link
 * whose target is not absolute.
 */
int ps_journal_parse(ps_journal *j, const char *data, size_t len, const char *path, ps_error *err);

/*
 * Reads the record in the home folder `homefd` (`shown`: the home as
 * named, for messages): 1 and *j filled, 0 when there is none, -1 when
 * there is one that cannot be trusted or read: not a regular file (a
 * symlink, a FIFO: never followed, never waited on), a second link to it,
 * owned by neither the caller nor root, writable by group or others,
 * larger than PS_JOURNAL_MAX, or not well-formed.
 */
int ps_journal_read(int homefd, const char *shown, ps_journal *j, ps_error *err);

/* 1 when the home folder `homefd` has something at the record's name, 0
 * when not, -1 when that cannot be told. */
int ps_journal_exists(int homefd, const char *shown, ps_error *err);

/*
 * Puts j into the home folder `homefd`: staged, synced, renamed into place,
 * the folder synced. 0; -1 when it is not in place (PS_ENOMEM when out of
 * memory); -2 when it is but the folder could not be synced.
 */
int ps_journal_write(int homefd, const char *shown, const ps_journal *j, ps_error *err);

/*
 * ps_journal_write in steps, so that an apply over many homes lets the disk
 * batch their syncs: stage every record (written, write-back started), then
 * place each (synced, renamed), then sync each home folder once.
 */
typedef struct ps_journal_staged {
    int fd;    /* the staged record, open until placed */
    char *tmp; /* its name in the home folder */
} ps_journal_staged;
/* Writes j to a staged file beside the record's name: 0, or -1 with nothing left. */
int ps_journal_stage(int homefd, const char *shown, const ps_journal *j, ps_journal_staged *out,
                     ps_error *err);
/* Syncs the staged record and renames it into place (the folder is not
 * synced: the caller does): 0, or -1 with the staged file removed. */
int ps_journal_place(int homefd, const char *shown, ps_journal_staged *st, ps_error *err);
/* ps_journal_place for a record whose fsync was issued already (with
 * others': write/syncs.h) and said `sync_err` (0, or its errno). */
int ps_journal_place_synced(int homefd, const char *shown, ps_journal_staged *st, int sync_err,
                            ps_error *err);
/* Removes a staged record that will not be placed (nothing when there is none). */
void ps_journal_unstage(int homefd, ps_journal_staged *st);

/* Removes the record of the home `homefd` (whatever it is: never followed)
 * and syncs the folder: 0, -1 when it cannot be removed, -2 when removed but
 * the folder could not be synced. */
int ps_journal_erase(int homefd, const char *shown, ps_error *err);
/* ps_journal_erase without the folder's sync (the caller syncs it): 0 or -1. */
int ps_journal_remove(int homefd, const char *shown, ps_error *err);

#endif
