/* SPDX-License-Identifier: MIT */
/*
 * AFL++ persistent-mode driver (shared-memory test cases): link with one
 * harness and build with afl-clang-fast.  Outside afl-fuzz it reads one test
 * case from standard input, so a crash can be reproduced with
 *   afl_<harness> < crash-file
 */
#include "fuzz_common.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__AFL_FUZZ_INIT();

int main(void)
{
#ifdef __AFL_HAVE_MANUAL_CONTROL
	__AFL_INIT();
#endif
	unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
	while (__AFL_LOOP(10000)) {
		size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
		LLVMFuzzerTestOneInput(buf, len);
	}
	return 0;
}
