/*
 * faultfs.c - an LD_PRELOAD library that makes file system calls fail,
 * for tests of what the program does on a full disk or a read-only
 * repository (the tests run as root in CI, where permissions would not
 * stop a write, and cannot mount file systems).
 *
 *   FAULT_PREFIX   calls on paths containing this string fail
 *   FAULT_ERRNO    ENOSPC: files open, writes to them fail, as on a full
 *                  disk; EROFS: opening for writing, creating a
 *                  directory, linking and renaming fail, as on a
 *                  read-only file system
 *   FAULT_TRIGGER  (optional) a path: faults happen only while it exists,
 *                  so that a test can turn them on in a running program
 *   FAULT_DLOPEN   dlopen of a library whose name contains this string
 *                  fails, as when the library is not installed
 *
 * Reading is never affected.  Only the calls libgit2 and the program
 * make are wrapped: open, open64, openat, openat64, mkdir, link, rename,
 * write.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_FDS 4096

static unsigned char doomed[MAX_FDS]; /* fds whose writes fail */

static int fault_errno(void)
{
	const char *e = getenv("FAULT_ERRNO");

	return e && !strcmp(e, "EROFS") ? EROFS : ENOSPC;
}

/* Whether a call on `path` fails now. */
static int hit(const char *path)
{
	const char *prefix = getenv("FAULT_PREFIX"),
		   *trigger = getenv("FAULT_TRIGGER");
	struct stat st;

	if (!prefix || !*prefix || !path || !strstr(path, prefix))
		return 0;
	return !trigger || !*trigger || stat(trigger, &st) == 0;
}

static int writing(int flags)
{
	return (flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT);
}

static void *next(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

static int dlopen_failed; /* what dlerror says next */

void *dlopen(const char *file, int mode)
{
	const char *f = getenv("FAULT_DLOPEN");
	void *(*real)(const char *, int) =
		(void *(*)(const char *, int))next("dlopen");

	if (f && *f && file && strstr(file, f)) {
		dlopen_failed = 1;
		return NULL;
	}
	return real(file, mode);
}

char *dlerror(void)
{
	char *(*real)(void) = (char *(*)(void))next("dlerror");

	if (dlopen_failed) {
		dlopen_failed = 0;
		return (char *)"cannot open shared object file: "
			       "No such file or directory (faultfs)";
	}
	return real();
}

static int after_open(int fd, const char *path, int flags)
{
	if (fd >= 0 && fd < MAX_FDS)
		doomed[fd] = writing(flags) && hit(path) &&
			     fault_errno() == ENOSPC;
	return fd;
}

static int refuse(const char *path, int flags)
{
	if (writing(flags) && hit(path) && fault_errno() == EROFS) {
		errno = EROFS;
		return 1;
	}
	return 0;
}

#define OPEN_MODE(flags, mode)                                               \
	do {                                                                 \
		if ((flags) & (O_CREAT | O_TMPFILE)) {                       \
			va_list ap;                                          \
			va_start(ap, flags);                                 \
			mode = va_arg(ap, mode_t);                           \
			va_end(ap);                                          \
		}                                                            \
	} while (0)

/* open and open64, openat and openat64: the same but for their names. */
#define DEFINE_OPEN(fn)                                                      \
	int fn(const char *path, int flags, ...)                             \
	{                                                                    \
		int (*real)(const char *, int, ...) = next(#fn);             \
		mode_t mode = 0;                                             \
                                                                             \
		OPEN_MODE(flags, mode);                                      \
		if (refuse(path, flags))                                     \
			return -1;                                           \
		return after_open(real(path, flags, mode), path, flags);     \
	}
#define DEFINE_OPENAT(fn)                                                    \
	int fn(int dir, const char *path, int flags, ...)                    \
	{                                                                    \
		int (*real)(int, const char *, int, ...) = next(#fn);        \
		mode_t mode = 0;                                             \
                                                                             \
		OPEN_MODE(flags, mode);                                      \
		if (refuse(path, flags))                                     \
			return -1;                                           \
		return after_open(real(dir, path, flags, mode), path, flags);\
	}

DEFINE_OPEN(open)
DEFINE_OPEN(open64)
DEFINE_OPENAT(openat)
DEFINE_OPENAT(openat64)

int mkdir(const char *path, mode_t mode)
{
	int (*real)(const char *, mode_t) = next("mkdir");

	if (refuse(path, O_CREAT))
		return -1;
	return real(path, mode);
}

int link(const char *from, const char *to)
{
	int (*real)(const char *, const char *) = next("link");

	if (refuse(to, O_CREAT))
		return -1;
	return real(from, to);
}

int rename(const char *from, const char *to)
{
	int (*real)(const char *, const char *) = next("rename");

	if (refuse(to, O_CREAT))
		return -1;
	return real(from, to);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	ssize_t (*real)(int, const void *, size_t) = next("write");

	if (fd >= 0 && fd < MAX_FDS && doomed[fd]) {
		errno = ENOSPC;
		return -1;
	}
	return real(fd, buf, n);
}
