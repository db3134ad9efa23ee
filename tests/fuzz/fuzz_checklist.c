/*
 * fuzz_checklist.c - libFuzzer target for the checklist loader: any bytes
 * must give either a checklist or diagnostics, never a crash, a leak or a
 * hang (aliases and nesting are bounded by the loader's limits).
 */
#include <stddef.h>
#include <stdint.h>

#include "checklist.h"
#include "error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_error err = SR_ERROR_INIT;
	struct checklist *cl = NULL;
	size_t i;
	int ret;

	ret = checklist_load_buffer(&cl, (const char *)data, size, "fuzz",
				    &err);
	/* The contract: a checklist xor at least one error. */
	if ((ret == 0) != (cl != NULL) || (ret < 0 && !err.nerrors))
		__builtin_trap();
	for (i = 0; i < err.n; i++)
		if (!err.diags[i].msg || err.diags[i].line < 0 ||
		    err.diags[i].col < 0)
			__builtin_trap();
	if (cl) {
		for (i = 0; i < cl->nitems; i++)
			if (checklist_item_find(cl, cl->items[i].id) == NULL)
				__builtin_trap();
	}
	checklist_free(cl);
	sr_error_release(&err);
	return 0;
}
