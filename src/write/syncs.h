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

#endif
