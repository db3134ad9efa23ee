/*
 * specs.h - turning the command line's FILE... into a list of spec files
 * (directories are walked for *.md, *.markdown and *.txt, sorted).
 */
#ifndef SR_CLI_SPECS_H
#define SR_CLI_SPECS_H

#include <stddef.h>

struct spec_list {
	char **paths;
	size_t n, alloc;
};

#define SPEC_LIST_INIT { NULL, 0, 0 }

/* Adds `arg` (a file, or a directory to walk); 0 or -1 with a message. */
int spec_list_add(struct spec_list *l, const char *arg);
void spec_list_release(struct spec_list *l);

#endif
