/*
 * cmd-new.c - `specreview new`: start a spec from a template.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "error.h"
#include "i18n.h"
#include "store.h"
#include "strbuf.h"
#include "template.h"
#include "util.h"
#include "banned.h"

/*
 * Inside a repository, a new spec belongs under the spec globs: else
 * `check` would never see it.  1 when `path` is fine, 0 when not, with
 * the repository path in *rel.
 */
static int under_spec_globs(const char *path, struct strbuf *rel)
{
	struct sr_error err = SR_ERROR_INIT;
	struct store *s = NULL;
	struct sr_config c;
	char dir[PATH_MAX], *buf = NULL, *slash;
	const char *wd;
	size_t len = 0, wl;
	int ok = 1, have_config = 0;

	/* The file does not exist yet: resolve its directory. */
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	{
		char real[PATH_MAX];

		if (!realpath(dir, real))
			return 1; /* the write reports a missing directory */
		snprintf(dir, sizeof(dir), "%s", real);
	}
	if (store_open(&s, dir, &err) < 0 || !(wd = store_workdir(s)))
		goto out; /* not in a repository: no globs to obey */
	wl = strlen(wd);
	strbuf_addf(rel, "%s/%s", dir, slash ? slash + 1 : path);
	if (strncmp(rel->buf, wd, wl))
		goto out;
	memmove(rel->buf, rel->buf + wl, rel->len - wl + 1);
	rel->len -= wl;
	if (config_init(&c) < 0)
		goto out;
	have_config = 1;
	{
		struct strbuf cfg = STRBUF_INIT;

		strbuf_addf(&cfg, "%s.specreview.yaml", wd);
		if (sr_read_file(&buf, &len, cfg.buf, 1u << 20, NULL) == 0)
			config_parse(&c, buf, len, ".specreview.yaml", NULL);
		strbuf_release(&cfg);
	}
	ok = config_is_spec(&c, rel->buf);
out:
	free(buf);
	if (have_config)
		config_release(&c);
	store_free(s);
	sr_error_release(&err);
	return ok;
}

static int cmd_new(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "lang", required_argument, NULL, 'l' },
		{ "title", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sr_error err = SR_ERROR_INIT;
	struct strbuf out = STRBUF_INIT, rel = STRBUF_INIT;
	const char *kind = NULL, *lang = "ja", *title = NULL, *path;
	int opt, ret = 0, force = 0, fd;

	while ((opt = getopt_long(argc, argv, "k:l:t:fh", opts, NULL)) != -1) {
		switch (opt) {
		case 'k':
			kind = optarg;
			break;
		case 'l':
			lang = optarg;
			break;
		case 't':
			title = optarg;
			break;
		case 'f':
			force = 1;
			break;
		case 'h':
			return cli_help("new");
		default:
			return cli_usage_error("new", _("bad option"));
		}
	}
	if (!kind)
		return cli_usage_error("new",
				       _("--kind is required (development, "
					 "operations, cloud)"));
	if (optind + 1 != argc)
		return cli_usage_error("new", _("name the file to write"));
	path = argv[optind];
	if (template_spec(&out, kind, lang, title, &err) < 0) {
		cli_print_diags(&err);
		ret = EXIT_USAGE;
		goto done;
	}
	if (!force && !under_spec_globs(path, &rel)) {
		cli_error(
		    _("%s is outside the spec globs of .specreview.yaml "
		      "(default specs/**/*.md): 'check' would not see it; "
		      "use --force to write it anyway"),
		    rel.buf);
		ret = EXIT_USAGE;
		goto done;
	}
	/* O_EXCL: never overwrite, even if the file appears meanwhile. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		cli_error("%s: %s", path,
			  errno == EEXIST
			      ? _("already exists (not overwritten)")
			      : strerror(errno));
		ret = EXIT_USAGE;
		goto done;
	}
	if (write(fd, out.buf, out.len) != (ssize_t)out.len || close(fd) < 0) {
		cli_error(_("%s: write error: %s"), path, strerror(errno));
		unlink(path);
		ret = EXIT_USAGE;
		goto done;
	}
	printf(_("wrote %s (%s, %s): fill in the ［　］ placeholders, then "
		 "'specreview check %s'\n"),
	       path, kind, lang, path);
done:
	strbuf_release(&out);
	strbuf_release(&rel);
	sr_error_release(&err);
	return ret;
}

const struct cmd_entry cmd_new_entry = {
	"new",
	"--kind KIND [--lang ja|en] [--title T] [--force] PATH",
	N_("start a spec from a template that carries every mandatory clause"),
	N_("Writes PATH from the template of KIND (development, operations,\n"
	"cloud) in Japanese (default) or English, with TITLE in the front\n"
	"matter.  Never overwrites a file.  Inside a repository PATH must match\n"
	"the spec globs of .specreview.yaml, so that check sees it, unless\n"
	"--force is given.\n"),
	cmd_new,
};
