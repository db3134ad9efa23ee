/*
 * testutil.h - helpers shared by the cmocka tests (header-only, static).
 *
 * Tests find the source tree through $SR_SRCDIR and the program through
 * $SPECREVIEW (both set by `make test`), so they run from any directory.
 */
#ifndef SR_TESTUTIL_H
#define SR_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

static inline const char *t_srcdir(void)
{
	const char *d = getenv("SR_SRCDIR");
	return d && *d ? d : ".";
}

static inline const char *t_prog(void)
{
	const char *p = getenv("SPECREVIEW");
	return p && *p ? p : "./specreview";
}

/* Path of a file in the source tree, in a static rotating buffer. */
static inline const char *t_src(const char *rel)
{
	static char bufs[4][4096];
	static int i;
	char *b = bufs[i++ & 3];
	snprintf(b, sizeof(bufs[0]), "%s/%s", t_srcdir(), rel);
	return b;
}

/* Makes a fresh temporary directory; returns a malloc'd path. */
static inline char *t_mkdtemp(void)
{
	char tmpl[] = "/tmp/sr-test-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return strdup(d);
}

static inline void t_write(const char *path, const char *data)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, strlen(data), f), strlen(data));
	assert_int_equal(fclose(f), 0);
}

static inline void t_rm_rf(const char *dir)
{
	char cmd[4200];
	if (!dir || strncmp(dir, "/tmp/sr-test-", 13))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", dir);
}

/*
 * Runs a shell command line; captures stdout and stderr (malloc'd, may be
 * NULL pointers to ignore) and returns the exit status (or -1).
 */
static inline int t_run(char **out, char **err, const char *fmt, ...)
{
	char cmd[8192], outp[64], errp[64];
	va_list ap;
	int st, fd;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(outp, sizeof(outp), "/tmp/sr-test-out-XXXXXX");
	snprintf(errp, sizeof(errp), "/tmp/sr-test-err-XXXXXX");
	fd = mkstemp(outp); assert_true(fd >= 0); close(fd);
	fd = mkstemp(errp); assert_true(fd >= 0); close(fd);
	{
		char full[8400];
		snprintf(full, sizeof(full), "( %s ) >'%s' 2>'%s' </dev/null",
			 cmd, outp, errp);
		st = system(full);
	}
	for (int k = 0; k < 2; k++) {
		char **dst = k ? err : out;
		const char *p = k ? errp : outp;
		if (dst) {
			long n;
			f = fopen(p, "rb");
			assert_non_null(f);
			fseek(f, 0, SEEK_END);
			n = ftell(f);
			fseek(f, 0, SEEK_SET);
			*dst = malloc((size_t)n + 1);
			assert_non_null(*dst);
			assert_int_equal(fread(*dst, 1, (size_t)n, f), (size_t)n);
			(*dst)[n] = '\0';
			fclose(f);
		}
		unlink(p);
	}
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

#endif
