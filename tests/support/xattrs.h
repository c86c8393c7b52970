/* Extended attributes in tests: setting them, and comparing a file's whole set. */
#ifndef PS_TESTS_XATTRS_H
#define PS_TESTS_XATTRS_H

#include <stddef.h>

/*
 * Every extended attribute of `path` (not following a symlink), one
 * "name=<hex value>\n" line each, sorted by name: two files carry the same
 * attributes exactly when these strings are equal. "" when the file system
 * has none. The caller frees it.
 */
char *xattrs_of(const char *path);

/*
 * setxattr(path, name, value, len). Returns 0 when the file system or the
 * kernel refuses (ENOTSUP, EPERM, EINVAL...), having said why with
 * case_skipped(test, ...); fails the case on any other error.
 */
int set_xattr_or_skip(const char *path, const char *name, const void *value, size_t len,
                      const char *test);

/*
 * POSIX ACLs in the kernel's xattr format (system.posix_acl_access and
 * _default: version 2, then entries {le16 tag, le16 perm, le32 id} sorted by
 * tag). ACL_RW_NOBODY: owner rw-, user nobody (65534) rw-, owning group r--,
 * mask r--, other --- (mode 0640). DEFAULT_ACL_NOBODY: the same with rwx for
 * owner, nobody and mask.
 */
extern const unsigned char ACL_RW_NOBODY[44];
extern const unsigned char DEFAULT_ACL_NOBODY[44];

#endif
