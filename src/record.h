/*
 * record.h - review records: one YAML file per review action.
 *
 * A record says who (name, email, role) decided what (decision, summary,
 * per-item dispositions, line annotations) on exactly which text (spec
 * path, commit and blob; checklist id, version and blob), and when (UTC).
 * Records are written once and never modified; the format is versioned
 * (`version: 1`) and documented in docs/record-format.md:
 *
 *   version: 1
 *   spec: specs/ja/mail-cloud.md
 *   spec_commit: 3f1c…(40 hex)
 *   spec_blob: 9a0e…(40 hex)
 *   checklist: {id: outsourcing-security, version: "1.0", blob: 5d2b…}
 *   who: {name: 山田 花子, email: hanako@example.go.jp}
 *   role: reviewer
 *   decision: request-changes
 *   time: 2026-11-26T06:18:00Z
 *   summary: |
 *     再委託の承認手続が契約書参照のみ。…
 *   dispositions:
 *     - item: OS-10
 *       disposition: must-fix
 *       note: 承認手続を本文に記載すること
 *       lines: [146]
 *   annotations:
 *     - line: 146
 *       hash: 0f3a9c1d22e4b710      # of the line, see record_line_hash
 *       snippet: 再委託については契約書に定めるとおりとする。
 *       note: 契約書参照では不十分
 *       item: OS-10               # optional
 *
 * Unknown keys, wrong types, bad enum values, malformed ids and times are
 * errors with position (all reported).
 */
#ifndef SR_RECORD_H
#define SR_RECORD_H

#include <stddef.h>
#include <stdint.h>

struct sr_error;
struct strbuf;

#define RECORD_VERSION 1

enum rec_role {
	ROLE_AUTHOR,
	ROLE_REVIEWER,
	ROLE_ADVISER,
	ROLE_CIO_ASSISTANT,
	ROLE_ADMIN,
	ROLE__COUNT
};

enum rec_decision {
	DEC_COMMENT,
	DEC_REQUEST_CHANGES,
	DEC_APPROVE,
	DEC_SIGN_OFF,
	DEC_OPINION,
	DEC__COUNT
};

enum rec_disposition {
	DISP_MUST_FIX,
	DISP_ACCEPTED,
	DISP_NOT_APPLICABLE,
	DISP_FALSE_POSITIVE,
	DISP_SATISFIED_ELSEWHERE,
	DISP__COUNT
};

struct rec_disp {
	char *item;
	enum rec_disposition disposition;
	char *note; /* may be NULL */
	int *lines;
	size_t nlines;
};

struct rec_annotation {
	int line;
	char hash[17]; /* 16 hex digits */
	char *snippet;
	char *note;
	char *item; /* may be NULL */
};

struct record {
	int version;
	char *spec;
	char spec_commit[41], spec_blob[41];
	char *checklist_id, *checklist_version;
	char checklist_blob[41]; /* may be empty for the built-in one */
	char *name, *email;
	enum rec_role role;
	enum rec_decision decision;
	int64_t time; /* seconds since the epoch, UTC */
	char *summary; /* may be NULL */
	struct rec_disp *disps;
	size_t ndisps;
	struct rec_annotation *notes;
	size_t nnotes;
};

/* Allocates an empty record (version 1); NULL on OOM. */
struct record *record_new(void);
void record_free(struct record *r);

/* Strict YAML parse; every problem reported with its position. */
int record_parse(struct record **out, const char *buf, size_t len,
		 const char *path, struct sr_error *err);

/*
 * Appends the record as YAML (the format above, keys in that order,
 * strings quoted so that any text round-trips through record_parse).
 */
int record_emit(const struct record *r, struct strbuf *out);

/*
 * The record's path on the records branch:
 * "records/<spec>/<YYYYmmddTHHMMSSZ>-<role>-<user>.yaml" where <user> is
 * the email's local part reduced to [a-z0-9._-].
 */
/*
 * Why `spec` cannot be named by a record (and in a records/ path): an
 * empty or absolute path, '..', '.', '.git', a segment starting with
 * '-', a backslash, control characters, invalid UTF-8; NULL when it can.
 * The reason is translated.
 */
const char *record_spec_path_problem(const char *spec);

int record_path(const struct record *r, struct strbuf *out);

/*
 * The commit message: a summary line ("review: request-changes
 * specs/a.md") and the trailers Spec:, Spec-Blob:, Checklist:, Role:,
 * Decision:.
 */
int record_commit_message(const struct record *r, struct strbuf *out);

/* 16 hex digits identifying a line's content (whitespace-insensitive). */
void record_line_hash(const char *line, size_t len, char out[17]);

const char *rec_role_name(enum rec_role r);
const char *rec_decision_name(enum rec_decision d);
const char *rec_disposition_name(enum rec_disposition d);
/* Parse names; -1 when unknown. */
int rec_role_parse(const char *s);
int rec_decision_parse(const char *s);
int rec_disposition_parse(const char *s);

/* "2026-11-26T06:18:00Z" <-> seconds; parse returns -1 when malformed. */
void record_format_time(int64_t t, char out[21]);
int record_parse_time(const char *s, int64_t *out);

#endif
