/*
 * What every fuzz target shares: PS_SANITIZED when built with AddressSanitizer
 * (its interface then declared), and libFuzzer's entry point, which
 * replay.c calls the same way.
 */
#ifndef PS_TESTS_FUZZ_H
#define PS_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#if defined(__SANITIZE_ADDRESS__)
#define PS_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PS_SANITIZED 1
#endif
#endif
#ifdef PS_SANITIZED
#include <sanitizer/common_interface_defs.h>
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
