/*
 * fuzz_record.c - libFuzzer target for the review record and roles.yaml
 * readers: any bytes give either a value or diagnostics, never a crash, a
 * leak or a hang; and whatever is accepted is written and read back to the
 * same value, and written again to the same bytes (the writer's promise
 * that any text round-trips).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "error.h"
#include "record.h"
#include "strbuf.h"
#include "workflow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static int same_record(const struct record *a, const struct record *b)
{
	size_t i;

	if (a->version != b->version || !same_str(a->spec, b->spec) ||
	    strcmp(a->spec_commit, b->spec_commit) ||
	    strcmp(a->spec_blob, b->spec_blob) ||
	    !same_str(a->checklist_id, b->checklist_id) ||
	    !same_str(a->checklist_version, b->checklist_version) ||
	    strcmp(a->checklist_blob, b->checklist_blob) ||
	    !same_str(a->name, b->name) || !same_str(a->email, b->email) ||
	    a->role != b->role || a->decision != b->decision ||
	    a->time != b->time || !same_str(a->summary, b->summary) ||
	    a->ndisps != b->ndisps || a->nnotes != b->nnotes)
		return 0;
	for (i = 0; i < a->ndisps; i++) {
		const struct rec_disp *x = &a->disps[i], *y = &b->disps[i];

		if (!same_str(x->item, y->item) ||
		    x->disposition != y->disposition ||
		    !same_str(x->note, y->note) || x->nlines != y->nlines ||
		    (x->nlines &&
		     memcmp(x->lines, y->lines, x->nlines * sizeof(int))))
			return 0;
	}
	for (i = 0; i < a->nnotes; i++) {
		const struct rec_annotation *x = &a->notes[i],
					    *y = &b->notes[i];

		if (x->line != y->line || strcmp(x->hash, y->hash) ||
		    !same_str(x->snippet, y->snippet) ||
		    !same_str(x->note, y->note) || !same_str(x->item, y->item))
			return 0;
	}
	return 1;
}

static void check_diags(const struct sr_error *err)
{
	size_t i;

	for (i = 0; i < err->n; i++)
		if (!err->diags[i].msg || err->diags[i].line < 0 ||
		    err->diags[i].col < 0)
			__builtin_trap();
}

static void fuzz_record(const char *buf, size_t size)
{
	struct sr_error err = SR_ERROR_INIT;
	struct record *r = NULL, *back = NULL;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	int ret;

	ret = record_parse(&r, buf, size, "fuzz", &err);
	if ((ret == 0) != (r != NULL) || (ret < 0 && !err.nerrors))
		__builtin_trap();
	check_diags(&err);
	if (r) {
		struct strbuf path = STRBUF_INIT, msg = STRBUF_INIT;

		if (record_emit(r, &a) != 0)
			__builtin_trap();
		if (record_parse(&back, a.buf, a.len, "emitted", &err) != 0 ||
		    !same_record(r, back))
			__builtin_trap();
		if (record_emit(back, &b) != 0 || a.len != b.len ||
		    memcmp(a.buf, b.buf, a.len))
			__builtin_trap();
		/* An accepted record always has a path inside records/. */
		if (record_path(r, &path) != 0 ||
		    strncmp(path.buf, "records/", 8) ||
		    strstr(path.buf, "/../"))
			__builtin_trap();
		if (record_commit_message(r, &msg) != 0)
			__builtin_trap();
		strbuf_release(&path);
		strbuf_release(&msg);
	}
	record_free(r);
	record_free(back);
	strbuf_release(&a);
	strbuf_release(&b);
	sr_error_release(&err);
}

static void fuzz_roles(const char *buf, size_t size)
{
	struct sr_error err = SR_ERROR_INIT;
	struct roles r = ROLES_INIT, back = ROLES_INIT;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	size_t i;
	int ret;

	ret = roles_parse(&r, buf, size, "fuzz", &err);
	if ((ret < 0 && (r.people || !err.nerrors)) ||
	    (ret == 0 && err.nerrors))
		__builtin_trap();
	check_diags(&err);
	if (ret == 0) {
		if (roles_emit(&r, &a) != 0)
			__builtin_trap();
		if (roles_parse(&back, a.buf, a.len, "emitted", &err) != 0 ||
		    back.npeople != r.npeople ||
		    back.require_signatures != r.require_signatures)
			__builtin_trap();
		for (i = 0; i < r.npeople; i++) {
			const struct role_person *p = &r.people[i];
			int k;

			if (strcmp(p->email, back.people[i].email) ||
			    !same_str(p->name, back.people[i].name) ||
			    p->roles != back.people[i].roles)
				__builtin_trap();
			for (k = 0; k < ROLE__COUNT; k++)
				if (!roles_has(&back, p->email,
					       (enum rec_role)k) !=
				    !(p->roles & (1u << k)))
					__builtin_trap();
		}
		if (roles_emit(&back, &b) != 0 || a.len != b.len ||
		    memcmp(a.buf, b.buf, a.len))
			__builtin_trap();
	}
	roles_release(&r);
	roles_release(&back);
	strbuf_release(&a);
	strbuf_release(&b);
	sr_error_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_record((const char *)data, size);
	fuzz_roles((const char *)data, size);
	return 0;
}
