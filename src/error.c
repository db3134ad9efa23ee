#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "strbuf.h"
#include "util.h"
#include "banned.h"

void sr_error_init(struct sr_error *err)
{
	memset(err, 0, sizeof(*err));
}

void sr_error_release(struct sr_error *err)
{
	size_t i;

	if (!err)
		return;
	for (i = 0; i < err->n; i++) {
		free(err->diags[i].path);
		free(err->diags[i].msg);
	}
	free(err->diags);
	sr_error_init(err);
}

static int vadd(struct sr_error *err, enum sr_severity sev, const char *path,
		int line, int col, const char *fmt, va_list ap)
{
	struct sr_diag *d;
	struct strbuf msg = STRBUF_INIT;

	if (!err)
		return 0;
	if (SR_ALLOC_GROW(err->diags, err->n + 1, err->alloc) < 0)
		goto oom;
	strbuf_vaddf(&msg, fmt, ap);
	if (msg.failed)
		goto oom;
	d = &err->diags[err->n];
	memset(d, 0, sizeof(*d));
	d->severity = sev;
	d->line = line;
	d->col = col;
	d->msg = strbuf_detach(&msg, NULL);
	if (path && !(d->path = strdup(path))) {
		free(d->msg);
		goto oom;
	}
	err->n++;
	if (sev == SR_SEV_ERROR)
		err->nerrors++;
	return 0;
oom:
	strbuf_release(&msg);
	err->oom = 1;
	if (sev == SR_SEV_ERROR)
		err->nerrors++;
	return SR_ENOMEM;
}

int sr_error_add(struct sr_error *err, int code, const char *path, int line,
		 int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(err, SR_SEV_ERROR, path, line, col, fmt, ap);
	va_end(ap);
	return code;
}

int sr_error_warn(struct sr_error *err, const char *path, int line, int col,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(err, SR_SEV_WARNING, path, line, col, fmt, ap);
	va_end(ap);
	return 0;
}

int sr_error_move(struct sr_error *to, struct sr_error *from)
{
	if (SR_ALLOC_GROW(to->diags, to->n + from->n, to->alloc) < 0)
		return SR_ENOMEM;
	if (from->n)
		memcpy(to->diags + to->n, from->diags,
		       from->n * sizeof(*from->diags));
	to->n += from->n;
	to->nerrors += from->nerrors;
	to->oom |= from->oom;
	free(from->diags);
	sr_error_init(from);
	return 0;
}

const char *sr_strerror(int code)
{
	switch (code) {
	case SR_OK:
		return _("success");
	case SR_ENOMEM:
		return _("out of memory");
	case SR_EINVAL:
		return _("invalid value");
	case SR_ENOTFOUND:
		return _("not found");
	case SR_EIO:
		return _("input/output error");
	case SR_ELIMIT:
		return _("limit exceeded");
	case SR_EPARSE:
		return _("parse error");
	case SR_ECONFLICT:
		return _("concurrent update");
	case SR_EBINARY:
		return _("not a text file");
	case SR_EDENIED:
		return _("refused");
	case SR_EEXIST:
		return _("already exists");
	default:
		return _("error");
	}
}

void sr_diag_format(struct strbuf *out, const struct sr_diag *d)
{
	/* Paths and messages can quote hostile input: never raw. */
	if (d->path) {
		strbuf_add_printable(out, d->path);
		if (d->line > 0) {
			strbuf_addf(out, ":%d", d->line);
			if (d->col > 0)
				strbuf_addf(out, ":%d", d->col);
		}
		strbuf_addstr(out, ": ");
	}
	if (d->severity == SR_SEV_WARNING)
		strbuf_addstr(out, _("warning: "));
	strbuf_add_printable(out, d->msg);
}
