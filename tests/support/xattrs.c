#define _GNU_SOURCE
#include "xattrs.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "runner.h"

/* clang-format off */
#define ENTRY(tag, perm, id) (tag), 0, (perm), 0, (id) & 0xff, ((id) >> 8) & 0xff, \
                             ((id) >> 16) & 0xff, ((id) >> 24) & 0xff
#define UNDEFINED_ID 0xffffffffu
const unsigned char ACL_RW_NOBODY[44] = {
    2, 0, 0, 0,
    ENTRY(0x01, 6, UNDEFINED_ID), /* ACL_USER_OBJ */
    ENTRY(0x02, 6, 65534u),       /* ACL_USER */
    ENTRY(0x04, 4, UNDEFINED_ID), /* ACL_GROUP_OBJ */
    ENTRY(0x10, 4, UNDEFINED_ID), /* ACL_MASK */
    ENTRY(0x20, 0, UNDEFINED_ID), /* ACL_OTHER */
};
const unsigned char DEFAULT_ACL_NOBODY[44] = {
    2, 0, 0, 0,
    ENTRY(0x01, 7, UNDEFINED_ID),
    ENTRY(0x02, 7, 65534u),
    ENTRY(0x04, 4, UNDEFINED_ID),
    ENTRY(0x10, 7, UNDEFINED_ID),
    ENTRY(0x20, 0, UNDEFINED_ID),
};
/* clang-format on */

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *xattrs_of(const char *path)
{
    char names[8192];
    ssize_t len = llistxattr(path, names, sizeof names);
    if (len < 0 && errno == ENOTSUP)
        len = 0;
    ck_assert_msg(len >= 0, "llistxattr %s: %s", path, strerror(errno));
    const char *sorted[256];
    size_t n = 0;
    for (ssize_t at = 0; at < len; at += (ssize_t)strlen(names + at) + 1) {
        ck_assert(n < sizeof sorted / sizeof *sorted);
        sorted[n++] = names + at;
    }
    qsort(sorted, n, sizeof *sorted, by_name);

    char *out = NULL;
    size_t outlen = 0;
    FILE *fp = open_memstream(&out, &outlen);
    for (size_t i = 0; i < n; i++) {
        unsigned char value[4096];
        ssize_t vlen = lgetxattr(path, sorted[i], value, sizeof value);
        ck_assert_msg(vlen >= 0, "lgetxattr %s %s: %s", path, sorted[i], strerror(errno));
        fprintf(fp, "%s=", sorted[i]);
        for (ssize_t j = 0; j < vlen; j++)
            fprintf(fp, "%02x", value[j]);
        fputc('\n', fp);
    }
    fclose(fp);
    return out;
}

int set_xattr_or_skip(const char *path, const char *name, const void *value, size_t len,
                      const char *test)
{
    if (setxattr(path, name, value, len, 0) == 0)
        return 1;
    int e = errno;
    ck_assert_msg(e != ENOENT && e != EFAULT && e != ERANGE, "setxattr %s %s: %s", path, name,
                  strerror(e));
    char why[512];
    snprintf(why, sizeof why, "cannot set %s on a scratch file here: %s", name, strerror(e));
    case_skipped(test, why);
    return 0;
}
