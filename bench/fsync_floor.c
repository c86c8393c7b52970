/*
 * The disk's own fsync floor for an apply: FILES new files of BYTES bytes
 * each, spread over FOLDERS new folders, each written and fsynced, then each
 * folder fsynced once; the counts are the ones strace saw one apply issue.
 * No parsing, no planning, no renames: what is left is the cost of the
 * syncs themselves on the disk DIR is on.
 *
 * usage: fsync_floor DIR FILES FOLDERS BYTES   (built by bench/apply.sh)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const char *what)
{
    perror(what);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: fsync_floor DIR FILES FOLDERS BYTES\n");
        return 2;
    }
    long files = atol(argv[2]), folders = atol(argv[3]), bytes = atol(argv[4]);
    if (files < 0 || folders < 1 || bytes < 0)
        return fail("fsync_floor: bad count");
    int top = open(argv[1], O_RDONLY | O_DIRECTORY);
    if (top < 0)
        return fail(argv[1]);
    char *buf = malloc((size_t)bytes + 1);
    int *dirs = malloc((size_t)folders * sizeof *dirs);
    if (!buf || !dirs)
        return fail("malloc");
    memset(buf, 'x', (size_t)bytes + 1);
    char name[64];
    for (long d = 0; d < folders; d++) {
        snprintf(name, sizeof name, "d%ld", d);
        if (mkdirat(top, name, 0755) < 0 ||
            (dirs[d] = openat(top, name, O_RDONLY | O_DIRECTORY)) < 0)
            return fail(name);
    }
    for (long f = 0; f < files; f++) {
        snprintf(name, sizeof name, "f%ld", f);
        int fd = openat(dirs[f % folders], name, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0 || write(fd, buf, (size_t)bytes) != (ssize_t)bytes || fsync(fd) < 0 ||
            close(fd) < 0)
            return fail(name);
    }
    for (long d = 0; d < folders; d++)
        if (fsync(dirs[d]) < 0 || close(dirs[d]) < 0)
            return fail("fsync folder");
    return 0;
}
