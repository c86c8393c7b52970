/*
 * fsyncs issued together. One fsync after another, a disk that could take
 * many at once (a drive's queue, a VM's virtio queue, a file system that
 * writes one inode table block for the many files it holds) waits for each
 * in turn: at 50 homes, most of an apply's time. Here several threads issue
 * them at once; each is still a whole fsync of its descriptor, and the call
 * returns only when every one has answered, so a caller that starts its
 * next step after it keeps the order DESIGN §2 asks for (the staged files
 * before the record, the record before the renames, the folders after).
 */
#ifndef PS_WRITE_SYNCS_H
#define PS_WRITE_SYNCS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

/* One descriptor to fsync, and what its fsync said: 0, or its errno. */
typedef struct ps_fsync_job {
    int fd;
    int err;
} ps_fsync_job;

/*
 * fsyncs jobs[0..n), several at a time, and sets each one's `err`. Where a
 * thread cannot be started the calling thread does its share: there is no
 * failure of its own, and it allocates nothing. Returns how many failed.
 */
size_t ps_fsync_each(ps_fsync_job *jobs, size_t n);

/*
 * Descriptors closed in the background. The last close of a file that a
 * rename replaced frees its blocks, and where the file system discards
 * freed blocks at once (ext4 mounted with -o discard and no journal) that
 * costs a disk round trip per file: an apply that kept the originals open
 * across its renames hands their closes to threads that run while it syncs
 * its folders and removes its records.
 */
#define PS_CLOSERS 4
typedef struct ps_closes {
    int *fds; /* owned by the caller until ps_close_wait returns */
    size_t n;
    atomic_size_t next;
    pthread_t threads[PS_CLOSERS];
    size_t started;
} ps_closes;

/* Starts closing fds[0..n) (entries below 0 are skipped) on up to
 * PS_CLOSERS threads; none started is no failure: ps_close_wait closes them. */
void ps_close_start(ps_closes *c, int *fds, size_t n);

/* Returns when every descriptor of ps_close_start is closed. */
void ps_close_wait(ps_closes *c);

#endif
