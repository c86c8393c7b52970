/*
 * The record an apply keeps in each of its homes while it renames files
 * (DESIGN §2.5): which homes the apply spans, and each staged file with the
 * target it replaces. A process killed between two renames leaves it
 * behind, and the next apply on any of those homes finishes the work (see
 * recover.h).
 *
 * Every home of an apply holds the same record, <home>/.portshift-journal;
 * the one in homes[0] is the commit point. It is written last (after every
 * other home has its copy) and removed first, so:
 *   - homes[0] holds the record: every home holds it, and the apply counts
 *     as done: its remaining renames are made by whoever finds it;
 *   - homes[0] does not: the record was never complete (nothing had been
 *     renamed yet) or is being removed (everything had been renamed); either
 *     way the staged files it names are only to be removed.
 * An undo is recorded the same way (renaming the original bytes back), its
 * record replacing the apply's in every home, homes[0] last.
 *
 * The format is text, one item a line, each path length-prefixed
 * ("<bytes>:<path>") so that any byte of a file name survives:
 *
 *   portshift journal 1
 *   id <unique id>
 *   home 7:/srv/ei                                 (one or more; the first commits)
 *   rename 41:/srv/ei/conf/.carbon.xml.portshift-Ab12Cd 23:/srv/ei/conf/carbon.xml
 *   drop 40:/srv/ei/conf/.axis2.xml.portshift-Xy34Zw  (staged files to remove)
 *   end
 *
 * A rename must replace a file with one staged beside it
 * (ps_is_staged_for) and a drop must name a staged file: a record that
 * says anything else is refused, so a forged record cannot make portshift
 * rename or remove an arbitrary file.
 */
#ifndef PS_OUTPUT_JOURNAL_H
#define PS_OUTPUT_JOURNAL_H

#include <stddef.h>

#include <portshift/portshift.h>

#include "base/strbuf.h"

#define PS_JOURNAL_NAME ".portshift-journal"

typedef struct ps_journal_rename {
    char *from; /* a staged file */
    char *to;   /* the file it replaces */
} ps_journal_rename;

/* Zero-initialise, then ps_journal_new_id and the adders; the journal owns its strings. */
typedef struct ps_journal {
    char *id;
    char **homes; /* absolute */
    size_t nhomes, caphomes;
    ps_journal_rename *renames; /* in the order they are made */
    size_t nrenames, caprenames;
    char **drops;
    size_t ndrops, capdrops;
} ps_journal;

/* Gives j an id no other record of this host has (pid, clock, counter). */
void ps_journal_new_id(ps_journal *j);
void ps_journal_add_home(ps_journal *j, const char *home);
void ps_journal_add_rename(ps_journal *j, const char *from, const char *to);
void ps_journal_add_drop(ps_journal *j, const char *staged);
void ps_journal_free(ps_journal *j);

void ps_journal_format(const ps_journal *j, ps_strbuf *out);
/* Parses a record; `path` names it in errors (path:line:col). */
int ps_journal_parse(ps_journal *j, const char *data, size_t len, const char *path, ps_error *err);

/* <home>/.portshift-journal. Caller frees. */
char *ps_journal_path(const char *home);

/* 1 when `home` holds a record, 0 when not, -1 when that cannot be told. */
int ps_journal_exists(const char *home, ps_error *err);

/* Reads the record of `home`: 1 and *j filled, 0 when there is none, -1. */
int ps_journal_read(const char *home, ps_journal *j, ps_error *err);

/*
 * Puts the record in every home, homes[0] last, each one staged, synced,
 * renamed into place and its folder synced. Returns 0; -1 when homes[0]
 * does not hold it (the records already in other homes stay: see
 * ps_journal_erase); -2 when homes[0] holds it but its folder could not be
 * synced (the record counts, but may not survive a crash).
 */
int ps_journal_write(const ps_journal *j, ps_error *err);

/*
 * Removes the record from every home of j, homes[0] first, then syncs the
 * homes (a failed sync is ignored: a record that comes back after a crash
 * names no staged file that still exists, and the next apply removes it).
 */
int ps_journal_erase(const ps_journal *j, ps_error *err);

/* Removes the record of one home (the same way). */
int ps_journal_erase_home(const char *home, ps_error *err);

#endif
