#include "specs.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "i18n.h"
#include "review.h"
#include "strbuf.h"
#include "util.h"
#include "banned.h"

static int push(struct spec_list *l, const char *path)
{
	char *p = strdup(path);

	if (!p || SR_ALLOC_GROW(l->paths, l->n + 1, l->alloc) < 0) {
		free(p);
		cli_error("%s", _("out of memory"));
		return -1;
	}
	l->paths[l->n++] = p;
	return 0;
}

static int is_spec_name(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.')
		return 0;
	return (n > 3 && !strcmp(name + n - 3, ".md")) ||
	       (n > 4 && !strcmp(name + n - 4, ".txt")) ||
	       (n > 9 && !strcmp(name + n - 9, ".markdown"));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Is the entry a directory (or a link to one)?  Most file systems tell
 * in the entry: a stat for each of 2,000 specs was most of listing them. */
static int is_dir(const struct dirent *e, const char *path)
{
	struct stat st;

	if (e->d_type != DT_UNKNOWN && e->d_type != DT_LNK)
		return e->d_type == DT_DIR;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int walk(struct spec_list *l, const char *dir, int depth)
{
	struct dirent **ents = NULL;
	int n, i, ret = 0;

	if (depth > 32) {
		cli_error(_("%s: directories nested too deeply"), dir);
		return -1;
	}
	/* Unsorted: spec_list_add sorts the whole walk. */
	n = scandir(dir, &ents, NULL, NULL);
	if (n < 0) {
		cli_error("%s: %s", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct strbuf path = STRBUF_INIT;
		const char *name = ents[i]->d_name;

		if (ret == 0 && name[0] != '.') {
			strbuf_addf(&path, "%s%s%s", dir,
				    dir[strlen(dir) - 1] == '/' ? "" : "/",
				    name);
			if (is_dir(ents[i], path.buf))
				ret = walk(l, path.buf, depth + 1);
			else if (is_spec_name(name))
				ret = push(l, path.buf);
		}
		strbuf_release(&path);
		free(ents[i]);
	}
	free(ents);
	return ret;
}

int spec_list_add(struct spec_list *l, const char *arg)
{
	struct stat st;
	size_t first = l->n;

	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (walk(l, arg, 0) < 0)
			return -1;
		qsort(l->paths + first, l->n - first, sizeof(*l->paths),
		      cmp_str);
		return 0;
	}
	/* Files that cannot be read are reported by the check itself. */
	return push(l, arg);
}

void spec_list_release(struct spec_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->paths[i]);
	free(l->paths);
	memset(l, 0, sizeof(*l));
}

int spec_pick(struct review *rv, int argc, char **argv, int worktree,
	      size_t **idx, size_t *n)
{
	int i;

	*idx = NULL;
	*n = 0;
	if (argc <= 0) {
		if (!rv->nspecs)
			cli_error("%s",
				  worktree ? _("no specs match the spec globs")
					   : _("no specs match the spec globs "
					       "at this commit"));
		return 0;
	}
	if (!(*idx = calloc((size_t)argc, sizeof(**idx)))) {
		cli_error("%s", _("out of memory"));
		return EXIT_USAGE;
	}
	for (i = 0; i < argc; i++) {
		long k = review_find_spec(rv, argv[i]);

		if (k >= 0) {
			(*idx)[(*n)++] = (size_t)k;
			continue;
		}
		if (worktree)
			cli_error(_("%s: not a spec in the working tree (see "
				    "the spec globs in .specreview.yaml)"),
				  argv[i]);
		else
			cli_error(_("%s: not a spec at %.12s (see the spec "
				    "globs in .specreview.yaml)"),
				  argv[i], rv->commit);
		free(*idx);
		*idx = NULL;
		*n = 0;
		return EXIT_USAGE;
	}
	return 0;
}
