/*
 * builtin.h - files built into the program at compile time (the shipped
 * checklist, word list and templates), so that specreview works from a
 * fresh clone without `make install` and from any directory.
 */
#ifndef SR_BUILTIN_H
#define SR_BUILTIN_H

#include <stddef.h>

struct builtin_file {
	const char *name; /* path in the source tree: "checklists/x.yaml" */
	const char *data; /* NUL-terminated */
	size_t len;
};

/* Terminated by an entry with name == NULL. */
extern const struct builtin_file builtin_files[];

/* The built-in file with that source-tree path, or NULL. */
const struct builtin_file *builtin_find(const char *name);

#endif
