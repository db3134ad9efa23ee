/*
 * draft.c - work in progress, saved atomically after every change.
 *
 * The file is lines of tab-separated fields, strings escaped (\\, \t,
 * \n), the first line a version:
 *   specreview-draft 1
 *   S <spec>              B <blob>            D <decision or ->
 *   U <summary>           E <what> <text>     (editor in progress)
 *   N <line> <item or -> <note>
 *   P <item> <disposition> <note or ->
 */
#include "draft.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "i18n.h"
#include "strbuf.h"
#include "util.h"
#include "banned.h"

struct draft *draft_new(const char *spec, const char *blob)
{
	struct draft *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->decision = -1;
	if (!(d->spec = strdup(spec))) {
		free(d);
		return NULL;
	}
	snprintf(d->blob, sizeof(d->blob), "%s", blob ? blob : "");
	return d;
}

void draft_free(struct draft *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->nnotes; i++) {
		free(d->notes[i].note);
		free(d->notes[i].item);
	}
	for (i = 0; i < d->ndisps; i++) {
		free(d->disps[i].item);
		free(d->disps[i].note);
	}
	free(d->notes);
	free(d->disps);
	free(d->spec);
	free(d->summary);
	free(d->editing);
	free(d->editing_what);
	free(d);
}

int draft_is_empty(const struct draft *d)
{
	return !d->nnotes && !d->ndisps && d->decision < 0 &&
	       !(d->summary && *d->summary) && !(d->editing && *d->editing);
}

int draft_set_str(char **field, const char *value)
{
	char *v = NULL;

	if (value && !(v = strdup(value)))
		return SR_ENOMEM;
	free(*field);
	*field = v;
	return 0;
}

const struct draft_note *draft_get_note(const struct draft *d, int line)
{
	size_t i;

	for (i = 0; i < d->nnotes; i++)
		if (d->notes[i].line == line)
			return &d->notes[i];
	return NULL;
}

int draft_set_note(struct draft *d, int line, const char *note,
		   const char *item)
{
	size_t i, alloc = d->nnotes;
	struct draft_note *n = (struct draft_note *)draft_get_note(d, line);

	if (!note || !*note) {
		if (!n)
			return 0;
		i = (size_t)(n - d->notes);
		free(n->note);
		free(n->item);
		memmove(n, n + 1, (d->nnotes - i - 1) * sizeof(*n));
		d->nnotes--;
		return 0;
	}
	if (!n) {
		/* Keep notes in line order. */
		if (SR_ALLOC_GROW(d->notes, d->nnotes + 1, alloc) < 0)
			return SR_ENOMEM;
		for (i = d->nnotes; i > 0 && d->notes[i - 1].line > line; i--)
			d->notes[i] = d->notes[i - 1];
		n = &d->notes[i];
		memset(n, 0, sizeof(*n));
		n->line = line;
		d->nnotes++;
	}
	if (draft_set_str(&n->note, note) < 0 ||
	    draft_set_str(&n->item, item) < 0)
		return SR_ENOMEM;
	return 0;
}

const struct draft_disp *draft_get_disp(const struct draft *d,
					const char *item)
{
	size_t i;

	for (i = 0; i < d->ndisps; i++)
		if (!strcmp(d->disps[i].item, item))
			return &d->disps[i];
	return NULL;
}

int draft_set_disp(struct draft *d, const char *item, int disposition,
		   const char *note)
{
	struct draft_disp *p = (struct draft_disp *)draft_get_disp(d, item);
	size_t alloc = d->ndisps, i;

	if (disposition < 0) {
		if (!p)
			return 0;
		i = (size_t)(p - d->disps);
		free(p->item);
		free(p->note);
		memmove(p, p + 1, (d->ndisps - i - 1) * sizeof(*p));
		d->ndisps--;
		return 0;
	}
	if (!p) {
		if (SR_ALLOC_GROW(d->disps, d->ndisps + 1, alloc) < 0)
			return SR_ENOMEM;
		p = &d->disps[d->ndisps];
		memset(p, 0, sizeof(*p));
		if (!(p->item = strdup(item)))
			return SR_ENOMEM;
		d->ndisps++;
	}
	p->disposition = (enum rec_disposition)disposition;
	return draft_set_str(&p->note, note && *note ? note : NULL);
}

/* ---- files ----------------------------------------------------------- */

static int draft_path(struct strbuf *out, const char *git_dir,
		      const char *spec)
{
	uint64_t h = 0xcbf29ce484222325ull;
	const char *p;

	for (p = spec; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 0x100000001b3ull;
	}
	strbuf_addf(out, "%sspecreview/drafts/%016llx", git_dir,
		    (unsigned long long)h);
	return out->failed ? SR_ENOMEM : 0;
}


static int mkdirs(const char *git_dir)
{
	struct strbuf p = STRBUF_INIT;
	int ret = 0;

	strbuf_addf(&p, "%sspecreview", git_dir);
	if (!p.failed && mkdir(p.buf, 0755) < 0 && errno != EEXIST)
		ret = SR_EIO;
	strbuf_addstr(&p, "/drafts");
	if (!ret && !p.failed && mkdir(p.buf, 0755) < 0 && errno != EEXIST)
		ret = SR_EIO;
	if (p.failed)
		ret = SR_ENOMEM;
	strbuf_release(&p);
	return ret;
}

int draft_save(const struct draft *d, const char *git_dir,
	       struct sr_error *err)
{
	struct strbuf path = STRBUF_INIT, o = STRBUF_INIT;
	size_t i;
	int ret;

	if ((ret = draft_path(&path, git_dir, d->spec)) < 0)
		goto out;
	if (draft_is_empty(d)) {
		if (unlink(path.buf) < 0 && errno != ENOENT)
			ret = sr_error_add(err, SR_EIO, path.buf, 0, 0,
					   _("cannot remove the draft: %s"),
					   strerror(errno));
		goto out;
	}
	if ((ret = mkdirs(git_dir)) < 0) {
		sr_error_add(err, ret, git_dir, 0, 0,
			     _("cannot create specreview/drafts: %s"),
			     strerror(errno));
		goto out;
	}
	strbuf_addstr(&o, "specreview-draft 1\nS");
	sr_field_put(&o, d->spec);
	strbuf_addf(&o, "\nB\t%s\nD\t%s\nU", d->blob,
		    d->decision >= 0
			    ? rec_decision_name((enum rec_decision)d->decision)
			    : "-");
	sr_field_put(&o, d->summary);
	strbuf_addstr(&o, "\nE");
	sr_field_put(&o, d->editing_what);
	sr_field_put(&o, d->editing);
	strbuf_addch(&o, '\n');
	for (i = 0; i < d->nnotes; i++) {
		strbuf_addf(&o, "N\t%d", d->notes[i].line);
		sr_field_put(&o, d->notes[i].item);
		sr_field_put(&o, d->notes[i].note);
		strbuf_addch(&o, '\n');
	}
	for (i = 0; i < d->ndisps; i++) {
		strbuf_addch(&o, 'P');
		sr_field_put(&o, d->disps[i].item);
		strbuf_addf(&o, "\t%s",
			    rec_disposition_name(d->disps[i].disposition));
		sr_field_put(&o, d->disps[i].note);
		strbuf_addch(&o, '\n');
	}
	if (o.failed) {
		ret = SR_ENOMEM;
		goto out;
	}
	ret = sr_write_file_atomic(path.buf, o.buf, o.len, err);
out:
	strbuf_release(&path);
	strbuf_release(&o);
	return ret;
}



int draft_load(struct draft **out, const char *git_dir, const char *spec,
	       struct sr_error *err)
{
	struct strbuf path = STRBUF_INIT;
	struct draft *d = NULL;
	char *buf = NULL, *line, *next;
	size_t len = 0;
	int ret, lineno = 1;

	*out = NULL;
	if ((ret = draft_path(&path, git_dir, spec)) < 0)
		goto out;
	if (access(path.buf, F_OK) < 0) {
		ret = SR_ENOTFOUND;
		goto out;
	}
	if ((ret = sr_read_file(&buf, &len, path.buf, 16u << 20, err)) < 0)
		goto out;
	if (!(d = draft_new(spec, NULL))) {
		ret = SR_ENOMEM;
		goto out;
	}
	ret = SR_EPARSE;
	if (strncmp(buf, "specreview-draft 1\n", 19))
		goto bad;
	for (line = buf + 19; *line; line = next, lineno++) {
		char *f[5], *a = NULL, *b = NULL;
		size_t n;
		int r = 0;

		if (!(next = strchr(line, '\n')))
			goto bad;
		*next++ = '\0';
		n = sr_fields_split(line, f, 5);
		switch (line[0]) {
		case 'S':
			if (n != 2 || (r = sr_field_get(f[1], &a)) < 0 || !a ||
			    strcmp(a, spec))
				r = r < 0 ? r : SR_EPARSE;
			free(a);
			break;
		case 'B':
			if (n != 2 || strlen(f[1]) > 40)
				r = SR_EPARSE;
			else
				snprintf(d->blob, sizeof(d->blob), "%s", f[1]);
			break;
		case 'D':
			if (n != 2)
				r = SR_EPARSE;
			else if (strcmp(f[1], "-") &&
				 (d->decision = rec_decision_parse(f[1])) < 0)
				r = SR_EPARSE;
			break;
		case 'U':
			r = n == 2 ? sr_field_get(f[1], &d->summary) : SR_EPARSE;
			break;
		case 'E':
			if (n != 3 || (r = sr_field_get(f[1], &d->editing_what)) < 0)
				r = r < 0 ? r : SR_EPARSE;
			else
				r = sr_field_get(f[2], &d->editing);
			break;
		case 'N': {
			char *end;
			long l = n == 4 ? strtol(f[1], &end, 10) : 0;

			if (n != 4 || *end || l < 1 || l > 0x7fffffff ||
			    (r = sr_field_get(f[2], &a)) < 0 ||
			    (r = sr_field_get(f[3], &b)) < 0 || !b)
				r = r < 0 ? r : SR_EPARSE;
			else
				r = draft_set_note(d, (int)l, b, a);
			free(a);
			free(b);
			break;
		}
		case 'P': {
			int disp = n == 4 ? rec_disposition_parse(f[2]) : -1;

			if (disp < 0 || (r = sr_field_get(f[1], &a)) < 0 || !a ||
			    (r = sr_field_get(f[3], &b)) < 0)
				r = r < 0 ? r : SR_EPARSE;
			else
				r = draft_set_disp(d, a, disp, b);
			free(a);
			free(b);
			break;
		}
		default:
			r = SR_EPARSE;
		}
		if (r == SR_ENOMEM) {
			ret = r;
			goto out;
		}
		if (r < 0)
			goto bad;
	}
	*out = d;
	d = NULL;
	ret = 0;
	goto out;
bad:
	ret = sr_error_add(err, SR_EPARSE, path.buf, lineno, 0,
			   _("damaged draft (left in place)"));
out:
	draft_free(d);
	free(buf);
	strbuf_release(&path);
	return ret;
}

int draft_remove(const char *git_dir, const char *spec)
{
	struct strbuf path = STRBUF_INIT;
	int ret = draft_path(&path, git_dir, spec);

	if (ret == 0 && unlink(path.buf) < 0 && errno != ENOENT)
		ret = SR_EIO;
	strbuf_release(&path);
	return ret;
}
