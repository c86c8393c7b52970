/*
 * Home locks. An apply holds each of its homes exclusively
 * from before it reads them until its record is removed; the commands that
 * only read hold them shared until their output is written, so they report
 * the state before an apply or after it, never half of one.
 *
 * A lock is flock(2) on the home folder itself, opened read-only: nothing
 * is created in the home, and a process that dies releases it. Several homes
 * are always locked in one order (device, then inode), so two calls naming
 * the same homes in different orders cannot wait for each other in a circle.
 *
 * Waiting: a reader waits for an apply to finish, and an apply for the
 * readers to finish, up to wait_ms; an apply that meets another apply is
 * refused at once (two applies on one home are a mistake to report, not a
 * queue). flock cannot say who holds a lock, so an apply that cannot lock
 * exclusively probes with a shared lock: granted, only readers hold it.
 */
#ifndef PS_WRITE_LOCK_H
#define PS_WRITE_LOCK_H

#include <stddef.h>
#include <sys/types.h>

#include <portshift/portshift.h>

typedef enum ps_lock_mode {
    PS_LOCK_SHARED,   /* diff, plan, ports */
    PS_LOCK_EXCLUSIVE /* apply */
} ps_lock_mode;

/* How long the CLI waits for the other side (an apply is milliseconds; a
 * lock held longer belongs to a stopped or stuck process). */
#define PS_LOCK_WAIT_MS 5000

/*
 * Locks folder `home`. On success *fd is the lock for ps_home_unlock. Fails
 * (-1, *fd == -1) with "another portshift is applying to this home" when an
 * apply holds it (at once for an exclusive lock, after wait_ms for a shared
 * one) and "another portshift is reading this home" when readers still hold
 * it after wait_ms.
 */
int ps_home_lock(const char *home, ps_lock_mode mode, int wait_ms, int *fd, ps_error *err);
/* Releases a lock from ps_home_lock; a negative fd is ignored. */
void ps_home_unlock(int fd);

typedef struct ps_lock {
    char *home; /* as it was named */
    dev_t dev;
    ino_t ino;
    int fd;
} ps_lock;

/* The homes one call holds, in lock order. Zero-initialise. */
typedef struct ps_locks {
    ps_lock *items;
    size_t n, cap;
    ps_lock_mode mode;
    int wait_ms;
} ps_locks;

/*
 * Opens every home of homes[0..n) (in the order given, so the first that
 * cannot be opened is the one reported) and locks them in lock order; a
 * folder named twice is locked once. -1: nothing is held.
 */
int ps_locks_take(ps_locks *locks, const char *const *homes, size_t n, ps_lock_mode mode,
                  int wait_ms, ps_error *err);

/*
 * Adds the homes of homes[0..n) not yet held. When there is one, every lock
 * is released and the whole set taken again in lock order (taking the new
 * one out of order could deadlock). Returns 1 when homes were added (the
 * caller re-reads what it read under the old locks), 0 when all were held,
 * -1 on failure (nothing is held).
 */
int ps_locks_add(ps_locks *locks, const char *const *homes, size_t n, ps_error *err);

/* Index of the held lock on folder `home`, or -1. */
long ps_locks_find(const ps_locks *locks, const char *home);

void ps_locks_release(ps_locks *locks);

#endif
