/* The library's version: the CMake project version, compiled in. */
#include <portshift/portshift.h>

const char *ps_version(int *major, int *minor, int *patch)
{
    if (major)
        *major = PS_VERSION_MAJOR;
    if (minor)
        *minor = PS_VERSION_MINOR;
    if (patch)
        *patch = PS_VERSION_PATCH;
    return PS_VERSION;
}
