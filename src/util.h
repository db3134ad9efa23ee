/*
 * util.h - small helpers shared by the engine: allocation growth, file
 * reading with limits, and the documented input limits themselves.
 */
#ifndef SR_UTIL_H
#define SR_UTIL_H

#include <stddef.h>
#include <stdint.h>

struct sr_error;

/* Limits on input, documented in the README ("Limits"). */
#define SR_MAX_SPEC_BYTES (32u << 20)      /* a spec file */
#define SR_MAX_CHECKLIST_BYTES (4u << 20)  /* a checklist file */
#define SR_MAX_YAML_DEPTH 32               /* nesting of YAML collections */
#define SR_MAX_YAML_ALIASES 64             /* aliases per YAML document */
#define SR_MAX_LINE_BYTES (1u << 20)       /* one line of a spec */
#define SR_MAX_LINES 1000000u              /* lines of a spec */
#define SR_MAX_SPECS 100000u               /* specs in a repository */
#define SR_MAX_RECORDS 100000u             /* records of all specs read at once */
#define SR_MAX_RECORDS_PER_SPEC 10000u     /* records of one spec */
#define SR_MAX_RECORD_BYTES (1u << 20)     /* one record file */

/*
 * Grows `array` (of `alloc` elements) so that it can hold `nr` elements.
 * Evaluates to 0, or SR_ENOMEM leaving the array as it was.  When there
 * is room already no function is called; `nr` and `alloc` may be
 * evaluated twice.
 */
#define SR_ALLOC_GROW(array, nr, alloc)                                      \
	((nr) <= (alloc) ? 0                                                 \
			 : sr_alloc_grow((void **)&(array), (nr), &(alloc),  \
					 sizeof(*(array))))
int sr_alloc_grow(void **array, size_t nr, size_t *alloc, size_t elem);

#define SR_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Reads a whole file into a NUL-terminated buffer (caller frees *out).
 * Refuses files larger than `limit` bytes (SR_ELIMIT) and directories or
 * other non-regular files (SR_EINVAL), with a diagnostic naming `path`.
 */
int sr_read_file(char **out, size_t *len, const char *path, size_t limit,
		 struct sr_error *err);

/*
 * Writes all `len` bytes of `data` to fd, again after a short write or
 * EINTR.  Returns 0, or -1 with errno set (EIO for a write of nothing).
 */
int sr_write_all(int fd, const void *data, size_t len);

/*
 * Writes `len` bytes to `path` atomically: a temporary file beside it is
 * written, flushed and renamed over `path`.  A crash leaves either the old
 * or the new contents, never a mix.
 */
int sr_write_file_atomic(const char *path, const void *data, size_t len,
			 struct sr_error *err);

/*
 * The same without flushing to the disk first: a crash may leave the file
 * empty or cut short, which only a reader that checks what it reads (the
 * result cache's length and checksum) may accept.  Much cheaper where
 * many small files are written.
 */
int sr_write_file_replace(const char *path, const void *data, size_t len,
			  struct sr_error *err);

/* Duplicates at most `n` bytes of `s`, NUL-terminated; NULL on OOM. */
char *sr_strndup(const char *s, size_t n);

/*
 * Heuristic text test: a NUL byte in the first 8000 bytes (as git does)
 * means binary.  Returns 1 for binary, 0 for text.
 */
int sr_looks_binary(const char *buf, size_t len);

/*
 * Line-oriented files of tab-separated fields (the result cache, drafts):
 * sr_field_put appends a tab and the field, "-" for NULL or "+" and the
 * text with \\, tab and newline escaped; sr_field_get decodes one into a
 * new string (*out NULL for "-"), SR_EPARSE when malformed, and
 * sr_field_decode the same in place (*out then points into `s`, or is
 * NULL); a field holds no tab;
 * sr_fields_split cuts a line at its tabs, in place, into at most `max`
 * fields and returns how many.
 */
struct strbuf;
void sr_field_put(struct strbuf *o, const char *s);
int sr_field_get(const char *s, char **out);
int sr_field_decode(char *s, char **out);
size_t sr_fields_split(char *line, char **f, size_t max);

/* Levenshtein distance of two short ASCII strings (for "did you mean"). */
size_t sr_edit_distance(const char *a, const char *b);

#endif
