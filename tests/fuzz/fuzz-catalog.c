/* fuzz-catalog.c: the catalog loader, given either catalog as any bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The first byte says which file the rest is: 'r' the routers catalog, anything
 * else the services catalog; the other file is the one built into Sesame, so that
 * a mutated file still meets a real partner. A catalog that loads must hold what
 * sesame-catalog.h promises, and must make a checklist for a plan that wants every
 * service it has, behind every router it has.
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "sesame-catalog.h"
#include "sesame-checklist.h"
#include "sesame-plan.h"
#include "sesame-resources.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static GBytes *builtin_services;
static GBytes *builtin_routers;

static void
check_text (const char *text)
{
  g_assert (text != NULL && *text != '\0');
  g_assert (g_utf8_validate (text, -1, NULL));
}

static void
check_service (SesameCatalog       *catalog,
               const SesameService *service)
{
  check_text (service->id);
  check_text (service->name);
  check_text (service->description);
  g_assert (sesame_catalog_lookup_service (catalog, service->id) == service);
  g_assert (sesame_catalog_lookup_category (catalog, service->category) != NULL);
  g_assert ((service->risk == SESAME_RISK_NONE) == (service->risk_note == NULL));
  g_assert (service->risk != SESAME_RISK_DANGEROUS || service->instead != NULL);
  g_assert (service->ports != NULL);

  for (guint i = 0; i < service->ports->len; i++)
    {
      const SesameServicePort *port = g_ptr_array_index (service->ports, i);

      g_assert (port->protocol == SESAME_PROTOCOL_TCP || port->protocol == SESAME_PROTOCOL_UDP);
      g_assert (port->range.first >= 1 && port->range.first <= port->range.last);
      g_assert (port->exposure <= SESAME_EXPOSURE_LAN);
    }
}

static void
check_router (SesameCatalog      *catalog,
              const SesameRouter *router)
{
  check_text (router->id);
  g_assert (sesame_catalog_lookup_router (catalog, router->id) == router);
  g_assert (sesame_router_get_menu_path (router, "en") != NULL);
  g_assert (sesame_router_get_menu_path (router, "ja") != NULL);
  g_assert (router->uncertain != NULL);
}

/* Every service at once, behind one router, in both languages */
static void
check_checklist (SesameCatalog      *catalog,
                 const SesameRouter *router)
{
  GPtrArray *services = sesame_catalog_get_services (catalog);
  g_autoptr(SesamePlan) plan = sesame_plan_new ();
  static const char * const languages[] = { "en", "ja" };

  sesame_plan_set_router_id (plan, router->id);
  sesame_plan_set_host_address (plan, "192.168.1.5");
  for (guint i = 0; i < services->len; i++)
    sesame_plan_add_service (plan, ((const SesameService *) g_ptr_array_index (services, i))->id);

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SesameChecklist) checklist = sesame_checklist_new (plan, catalog, languages[i], &error);

      g_assert_no_error (error);
      g_assert (checklist != NULL);
      g_assert (sesame_checklist_get_router (checklist) == router);
      check_text (sesame_checklist_get_router_name (checklist));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SesameCatalog) catalog = NULL;
  gboolean routers;
  GPtrArray *list;

  if (builtin_services == NULL)
    {
      sesame_resources_ensure ();
      builtin_services = g_resources_lookup_data (RESOURCE_BASE "/catalogs/services.json", 0, NULL);
      builtin_routers = g_resources_lookup_data (RESOURCE_BASE "/catalogs/routers.json", 0, NULL);
      g_assert (builtin_services != NULL && builtin_routers != NULL);
    }

  if (size == 0)
    return 0;

  routers = data[0] == 'r';
  bytes = g_bytes_new_static (data + 1, size - 1);
  catalog = routers ? sesame_catalog_new_from_bytes (builtin_services, bytes, &error)
                    : sesame_catalog_new_from_bytes (bytes, builtin_routers, &error);

  if (catalog == NULL)
    {
      g_assert (error != NULL && error->domain == SESAME_CATALOG_ERROR);
      g_assert (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert (error == NULL);

  list = sesame_catalog_get_services (catalog);
  for (guint i = 0; i < list->len; i++)
    check_service (catalog, g_ptr_array_index (list, i));

  list = sesame_catalog_get_routers (catalog);
  g_assert (sesame_catalog_lookup_router (catalog, "generic") != NULL);
  for (guint i = 0; i < list->len; i++)
    {
      check_router (catalog, g_ptr_array_index (list, i));
      /* Routers are many and alike: the first few show what a checklist makes of them */
      if (i < 4 || routers)
        check_checklist (catalog, g_ptr_array_index (list, i));
    }

  return 0;
}
