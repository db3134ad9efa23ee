#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "i18n.h"
#include "strbuf.h"
#include "banned.h"

int sr_alloc_grow(void **array, size_t nr, size_t *alloc, size_t elem)
{
	size_t n;
	void *p;

	if (nr <= *alloc)
		return 0;
	n = *alloc ? *alloc : 8;
	while (n < nr) {
		if (n > ((size_t)-1 / 2) / elem)
			return SR_ENOMEM;
		n = n / 2 * 3 + 8;
	}
	p = realloc(*array, n * elem);
	if (!p)
		return SR_ENOMEM;
	*array = p;
	*alloc = n;
	return 0;
}

int sr_read_file(char **out, size_t *len, const char *path, size_t limit,
		 struct sr_error *err)
{
	struct stat st;
	char *buf = NULL;
	size_t have = 0, cap;
	int fd, ret = 0;

	*out = NULL;
	if (len)
		*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sr_error_add(
		    err, errno == ENOENT ? SR_ENOTFOUND : SR_EIO, path, 0, 0,
		    _("cannot open: %s"), strerror(errno));
	if (fstat(fd, &st) < 0) {
		ret = sr_error_add(err, SR_EIO, path, 0, 0,
				   _("cannot stat: %s"), strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = sr_error_add(err, SR_EINVAL, path, 0, 0,
				   _("is a directory"));
		goto out;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > limit) {
		ret =
		    sr_error_add(err, SR_ELIMIT, path, 0, 0,
				 _("file is %lld bytes, over the limit of %zu"),
				 (long long)st.st_size, limit);
		goto out;
	}
	/* A regular file's size, the NUL, and a byte for the read that
	 * finds its end (at size + 1 the buffer was doubled for it). */
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 2 : 65536;
	for (;;) {
		ssize_t n;
		size_t want;

		if (have + 1 >= cap || !buf) {
			char *nb;

			if (buf)
				cap *= 2;
			nb = realloc(buf, cap);
			if (!nb) {
				ret = sr_error_add(err, SR_ENOMEM, path, 0, 0,
						   _("out of memory"));
				goto out;
			}
			buf = nb;
		}
		want = cap - have - 1;
		n = read(fd, buf + have, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret =
			    sr_error_add(err, SR_EIO, path, 0, 0,
					 _("read error: %s"), strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		if (have > limit) {
			ret = sr_error_add(
			    err, SR_ELIMIT, path, 0, 0,
			    _("file is over the limit of %zu bytes"), limit);
			goto out;
		}
		/* A regular file that gave all fstat said, and less than was
		 * asked: that is its end (a read to see nothing more costs a
		 * call per spec, and a writer may append after it as well). */
		if (S_ISREG(st.st_mode) && have == (size_t)st.st_size &&
		    (size_t)n < want)
			break;
	}
	buf[have] = '\0';
	*out = buf;
	buf = NULL;
	if (len)
		*len = have;
out:
	free(buf);
	close(fd);
	return ret;
}

int sr_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_replace(const char *path, const void *data, size_t len,
			 int sync, struct sr_error *err)
{
	static unsigned serial; /* threads of one process write at once */
	struct strbuf tmp = STRBUF_INIT;
	int fd = -1, ret = 0;

	strbuf_addf(&tmp, "%s.tmp.%ld.%u", path, (long)getpid(),
		    __atomic_add_fetch(&serial, 1, __ATOMIC_RELAXED));
	if (tmp.failed)
		return sr_error_add(err, SR_ENOMEM, path, 0, 0,
				    _("out of memory"));
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = sr_error_add(err, SR_EIO, tmp.buf, 0, 0,
				   _("cannot create: %s"), strerror(errno));
		goto out;
	}
	if (sr_write_all(fd, data, len) < 0) {
		ret = sr_error_add(err, SR_EIO, tmp.buf, 0, 0,
				   _("write error: %s"), strerror(errno));
		goto out;
	}
	if ((sync && fsync(fd) < 0) || close(fd) < 0) {
		fd = -1;
		ret = sr_error_add(err, SR_EIO, tmp.buf, 0, 0,
				   _("write error: %s"), strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp.buf, path) < 0)
		ret = sr_error_add(err, SR_EIO, path, 0, 0,
				   _("cannot rename into place: %s"),
				   strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	if (ret < 0)
		unlink(tmp.buf);
	strbuf_release(&tmp);
	return ret;
}

int sr_write_file_atomic(const char *path, const void *data, size_t len,
			 struct sr_error *err)
{
	return write_replace(path, data, len, 1, err);
}

int sr_write_file_replace(const char *path, const void *data, size_t len,
			  struct sr_error *err)
{
	return write_replace(path, data, len, 0, err);
}

char *sr_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int sr_looks_binary(const char *buf, size_t len)
{
	return memchr(buf, '\0', len < 8000 ? len : 8000) != NULL;
}

size_t sr_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64];

	if (la >= SR_ARRAY_SIZE(row) || lb >= SR_ARRAY_SIZE(row))
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], best;

			best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

void sr_field_put(struct strbuf *o, const char *s)
{
	strbuf_addch(o, '\t');
	if (!s) {
		strbuf_addch(o, '-');
		return;
	}
	strbuf_addch(o, '+');
	for (; *s; s++) {
		if (*s == '\\')
			strbuf_addstr(o, "\\\\");
		else if (*s == '\t')
			strbuf_addstr(o, "\\t");
		else if (*s == '\n')
			strbuf_addstr(o, "\\n");
		else
			strbuf_addch(o, *s);
	}
}

int sr_field_decode(char *s, char **out)
{
	char *d, *start;

	*out = NULL;
	if (s[0] == '-' && !s[1])
		return 0;
	if (s[0] != '+')
		return SR_EPARSE;
	/* As it is up to the first escape; a tab is never in a field. */
	start = ++s;
	d = s = s + strcspn(s, "\\\t");
	for (; *s; s++) {
		if (*s == '\t')
			return SR_EPARSE;
		if (*s == '\\' && s[1]) {
			s++;
			*d++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
	*out = start;
	return 0;
}

int sr_field_get(const char *s, char **out)
{
	char *copy, *text;
	int ret;

	*out = NULL;
	if (!(copy = strdup(s)))
		return SR_ENOMEM;
	if ((ret = sr_field_decode(copy, &text)) < 0 || !text) {
		free(copy);
		return ret;
	}
	/* Owned from its start: the text is the copy but its '+'. */
	memmove(copy, text, strlen(text) + 1);
	*out = copy;
	return 0;
}

size_t sr_fields_split(char *p, char **f, size_t max)
{
	size_t n = 0;

	f[n++] = p;
	for (; *p && n < max; p++)
		if (*p == '\t') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}
