/*
 * Cases that need an unprivileged user: a read-only folder, a file that
 * belongs to someone else. CI runs the suites as root, whom permissions do
 * not stop, so such a case runs its action in a forked child that has
 * dropped to nobody; as any other user it runs in place.
 */
#ifndef PS_TESTS_UNPRIV_H
#define PS_TESTS_UNPRIV_H

#include <stddef.h>

#include "write/apply.h"

/* The user and group a root suite drops to (nobody, nogroup on Debian). */
#define PS_NOBODY 65534

/*
 * Runs fn(arg) in a forked child as PS_NOBODY:PS_NOBODY without
 * supplementary groups and returns what fn returned (0..254), or -1 when the
 * child could not drop its privileges or died (said on stderr). The child
 * shares no memory with the caller except what shared_new gave.
 */
int as_nobody(int (*fn)(void *), void *arg);

/* n zeroed bytes that a child's writes show through (MAP_SHARED); never NULL. */
void *shared_new(size_t n);
void shared_free(void *p, size_t n);

/* chown -R -h dir to PS_NOBODY:PS_NOBODY; 0 on success. */
int give_to_nobody(const char *dir);

/* 1 when PS_NOBODY can reach `dir` and create files in it (tried as nobody). */
int nobody_can_write(const char *dir);

/*
 * As root, when PS_NOBODY cannot enter $TMPDIR (a folder only root can
 * enter), sets TMPDIR to /tmp, so that the scratch folders made from then
 * on are ones nobody can reach. A suite with cases as nobody calls it first
 * (fx_suite_root does). 0 on success.
 */
int tmpdir_for_nobody(void);

/*
 * Prepares scratch folder `dir` for a case that needs an unprivileged user.
 * As root: gives it to nobody (call it once the files are in place); a
 * folder nobody cannot reach fails the case, it is never skipped. As anyone
 * else: nothing done.
 */
void unprivileged_dir(const char *dir, const char *test);

/* ps_apply_files as an unprivileged user: as nobody in a forked child when
 * root, in place otherwise. Its result and *err come back either way. */
int apply_unprivileged(const ps_write *w, size_t n, unsigned flags, ps_error *err);

#endif
