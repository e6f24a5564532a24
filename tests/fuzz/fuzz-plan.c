/* fuzz-plan.c: plan files are untrusted: any bytes give a plan or an error
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>

#include "sesame-plan.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static SesameCatalog *catalog;

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(SesamePlan) plan = NULL;

  if (catalog == NULL)
    catalog = sesame_catalog_load_default (NULL);
  g_assert (catalog != NULL);

  plan = sesame_plan_load_from_bytes (bytes, catalog, &error);
  g_assert ((plan == NULL) == (error != NULL));

  if (plan != NULL)
    {
      /* What loads, saves and loads again to the same plan */
      g_autofree char *json = sesame_plan_to_json (plan);
      g_autoptr(GBytes) again_bytes = g_bytes_new (json, strlen (json));
      g_autoptr(SesamePlan) again = sesame_plan_load_from_bytes (again_bytes, catalog, NULL);
      g_autofree char *json_again = NULL;

      g_assert (again != NULL);
      json_again = sesame_plan_to_json (again);
      g_assert (g_str_equal (json, json_again));
    }
  else
    g_assert (g_utf8_validate (error->message, -1, NULL));

  return 0;
}
