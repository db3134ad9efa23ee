/*
 * specs.h - turning the command line's FILE... into a list of spec files
 * (directories are walked for *.md, *.markdown and *.txt, sorted), or
 * its SPEC... into specs of a repository.
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

struct review;

/*
 * The specs of `rv` named by argv[0..argc): *idx (the caller frees) gets
 * their indexes in rv->specs and *n their count.  With none named, *idx
 * is NULL and *n 0: every spec (an empty repository is told, not an
 * error).  Returns 0, or EXIT_USAGE with a message for a name that is no
 * spec (at the commit, or in the working tree with `worktree`).
 */
int spec_pick(struct review *rv, int argc, char **argv, int worktree,
	      size_t **idx, size_t *n);

#endif
