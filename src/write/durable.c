#define _GNU_SOURCE /* sync_file_range */
#include "write/durable.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "base/path.h"
#include "base/strbuf.h"

#define STAGED_MARK ".portshift-"
#define STAGED_RANDOM 6 /* mkstemp's XXXXXX */

int ps_write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t r = write(fd, data, len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += r;
        len -= (size_t)r;
    }
    return 0;
}

void ps_start_writeback(int fd)
{
#ifdef SYNC_FILE_RANGE_WRITE
    (void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
    (void)fd;
#endif
}

char *ps_staged_template(const char *target)
{
    /* The folder spelled as in `target`, so ps_is_staged_for can compare the two. */
    const char *base = ps_path_base(target);
    return ps_asprintf("%.*s.%s" STAGED_MARK "XXXXXX", (int)(base - target), target, base);
}

/* mkstemp draws its six characters from [A-Za-z0-9]. */
static int is_random_tail(const char *s)
{
    size_t i = 0;
    for (; s[i]; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9')))
            return 0;
    return i == STAGED_RANDOM;
}

int ps_is_staged_name(const char *name)
{
    size_t len = strlen(name), tail = strlen(STAGED_MARK) + STAGED_RANDOM;
    /* "." + a name of at least one byte + the mark + the random part */
    if (name[0] != '.' || len < 2 + tail)
        return 0;
    const char *mark = name + len - tail;
    return strncmp(mark, STAGED_MARK, strlen(STAGED_MARK)) == 0 &&
           is_random_tail(mark + strlen(STAGED_MARK));
}

int ps_is_staged_for(const char *tmp, const char *target)
{
    const char *tbase = ps_path_base(target), *sbase = ps_path_base(tmp);
    size_t tdir = (size_t)(tbase - target), sdir = (size_t)(sbase - tmp);
    size_t blen = strlen(tbase);
    if (!*tbase || tdir != sdir || memcmp(tmp, target, tdir) != 0)
        return 0;
    return sbase[0] == '.' && strncmp(sbase + 1, tbase, blen) == 0 &&
           strncmp(sbase + 1 + blen, STAGED_MARK, strlen(STAGED_MARK)) == 0 &&
           is_random_tail(sbase + 1 + blen + strlen(STAGED_MARK));
}
