/* sesame-catalog.c
 *
 * The services and routers Sesame knows, loaded once from the JSON files in
 * data/catalogs (the core GResource) through the one JSON reader: every
 * member checked, texts in both languages ({"en": …, "ja": …}) picked by
 * the language asked for, ports and ranges parsed as the plan parses them,
 * and a catalog that breaks a rule refused as a whole with the member that
 * broke it. Then the lookups the checklist and the pages use: a service or
 * router by id, the routers by vendor, a router's port-forwarding page,
 * menu path and IPv6 firewall in a language.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-catalog"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "sesame-catalog.h"
#include "sesame-core-enums.h"
#include "sesame-enum.h"
#include "sesame-json.h"
#include "sesame-resources.h"

#define CATALOG_VERSION 1

struct _SesameCatalog
{
  GObject     parent_instance;

  GPtrArray  *categories;   /* element-type SesameCategory */
  GPtrArray  *services;     /* element-type SesameService */
  GPtrArray  *routers;      /* element-type SesameRouter */
  GHashTable *services_by_id;
  GHashTable *routers_by_id;
  GHashTable *categories_by_id;
};

G_DEFINE_FINAL_TYPE (SesameCatalog, sesame_catalog, G_TYPE_OBJECT)
G_DEFINE_QUARK (sesame-catalog-error-quark, sesame_catalog_error)

static const char * const router_fields[] = {
  "id", "vendor", "model", "market", "lan_address", "admin_url", "forwarding_page",
  "menu_path", "reservation_page", "reservation_menu_path", "upnp_igd", "nat_pmp", "pcp",
  "port_ranges", "notes", "ipv6_filter", NULL
};

static const char * const ipv6_filter_fields[] = {
  "page", "menu_path", "source", "uncertain", NULL
};

static void
sesame_text_clear (SesameText *text)
{
  g_clear_pointer (&text->en, g_free);
  g_clear_pointer (&text->ja, g_free);
}

static void
category_free (gpointer data)
{
  SesameCategory *category = data;

  g_free (category->id);
  g_free (category->name);
  g_free (category);
}

static void
service_port_free (gpointer data)
{
  SesameServicePort *port = data;

  g_free (port->purpose);
  g_free (port);
}

static void
service_free (gpointer data)
{
  SesameService *service = data;

  g_free (service->id);
  g_free (service->name);
  g_free (service->category);
  g_free (service->description);
  g_free (service->risk_note);
  g_free (service->instead);
  g_free (service->macos_sharing);
  g_clear_pointer (&service->ports, g_ptr_array_unref);
  g_free (service);
}

static void
router_free (gpointer data)
{
  SesameRouter *router = data;

  g_free (router->id);
  sesame_text_clear (&router->vendor);
  sesame_text_clear (&router->model);
  g_free (router->lan_address);
  g_free (router->admin_url);
  sesame_text_clear (&router->forwarding_page);
  g_strfreev (router->menu_path_en);
  g_strfreev (router->menu_path_ja);
  sesame_text_clear (&router->reservation_page);
  g_strfreev (router->reservation_path_en);
  g_strfreev (router->reservation_path_ja);
  sesame_text_clear (&router->notes);
  g_strfreev (router->uncertain);
  sesame_text_clear (&router->ipv6_filter_page);
  g_strfreev (router->ipv6_filter_path_en);
  g_strfreev (router->ipv6_filter_path_ja);
  g_free (router->ipv6_filter_source);
  g_free (router);
}

static void
sesame_catalog_finalize (GObject *object)
{
  SesameCatalog *self = (SesameCatalog *)object;

  g_clear_pointer (&self->services_by_id, g_hash_table_unref);
  g_clear_pointer (&self->routers_by_id, g_hash_table_unref);
  g_clear_pointer (&self->categories_by_id, g_hash_table_unref);
  g_clear_pointer (&self->categories, g_ptr_array_unref);
  g_clear_pointer (&self->services, g_ptr_array_unref);
  g_clear_pointer (&self->routers, g_ptr_array_unref);

  G_OBJECT_CLASS (sesame_catalog_parent_class)->finalize (object);
}

static void
sesame_catalog_class_init (SesameCatalogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sesame_catalog_finalize;
}

static void
sesame_catalog_init (SesameCatalog *self)
{
  self->categories = g_ptr_array_new_with_free_func (category_free);
  self->services = g_ptr_array_new_with_free_func (service_free);
  self->routers = g_ptr_array_new_with_free_func (router_free);
  self->services_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->routers_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->categories_by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

static gboolean
invalid (GError     **error,
         const char  *path,
         const char  *reason)
{
  g_set_error (error, SESAME_CATALOG_ERROR, SESAME_CATALOG_ERROR_INVALID, "%s: %s", path, reason);
  return FALSE;
}

/* A member that holds one value per language: {"en": …, "ja": …}.
 * Returns FALSE on error; *inner is NULL when an optional member is absent. */
static gboolean
get_bilingual (JsonObject  *object,
               const char  *member,
               const char  *member_path,
               gboolean     required,
               JsonObject **inner,
               GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *inner = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return required ? invalid (error, member_path, "is required") : TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, member_path, "must be an object with \"en\" and \"ja\"");

  *inner = json_node_get_object (node);
  return TRUE;
}

static gboolean
read_text (JsonObject  *object,
           const char  *member,
           const char  *path,
           gboolean     required,
           SesameText  *text,
           GError     **error)
{
  g_autofree char *member_path = g_strdup_printf ("%s.%s", path, member);
  JsonObject *inner;

  if (!get_bilingual (object, member, member_path, required, &inner, error))
    return FALSE;

  return inner == NULL ||
         (sesame_json_read_string (inner, "en", member_path, TRUE, 0, &text->en, invalid, error) &&
          sesame_json_read_string (inner, "ja", member_path, TRUE, 0, &text->ja, invalid, error));
}

static gboolean
read_strv (JsonObject  *object,
           const char  *member,
           const char  *path,
           gboolean     allow_empty,
           GStrv       *out,
           GError     **error)
{
  g_autofree char *member_path = g_strdup_printf ("%s.%s", path, member);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, member_path, "must be an array of strings");

  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0 && !allow_empty)
    return invalid (error, member_path, "must not be empty");

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) ||
          json_node_get_value_type (element) != G_TYPE_STRING ||
          *json_node_get_string (element) == '\0')
        return invalid (error, member_path, "must be an array of non-empty strings");

      g_strv_builder_add (builder, json_node_get_string (element));
    }

  *out = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
read_path (JsonObject  *object,
           const char  *member,
           const char  *path,
           gboolean     required,
           GStrv       *en,
           GStrv       *ja,
           GError     **error)
{
  g_autofree char *member_path = g_strdup_printf ("%s.%s", path, member);
  JsonObject *inner;

  if (!get_bilingual (object, member, member_path, required, &inner, error))
    return FALSE;

  return inner == NULL ||
         (read_strv (inner, "en", member_path, FALSE, en, error) &&
          read_strv (inner, "ja", member_path, FALSE, ja, error));
}

static gboolean
read_enum (JsonObject  *object,
           const char  *member,
           const char  *path,
           GType        type,
           int         *out,
           GError     **error)
{
  g_autofree char *member_path = g_strdup_printf ("%s.%s", path, member);
  const char *value = NULL;

  if (!sesame_json_get_string (object, member, &value) || value == NULL)
    return invalid (error, member_path, "is required");

  if (!sesame_enum_from_nick (type, value, out))
    return invalid (error, member_path, "has an unknown value");

  return TRUE;
}

static gboolean
load_categories (SesameCatalog  *self,
                 JsonArray      *array,
                 GError        **error)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("categories[%u]", i);
      JsonNode *node = json_array_get_element (array, i);
      SesameCategory *category;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, path, "must be an object");

      category = g_new0 (SesameCategory, 1);
      g_ptr_array_add (self->categories, category);

      if (!sesame_json_read_string (json_node_get_object (node), "id", path, TRUE, 0,
                                    &category->id, invalid, error) ||
          !sesame_json_read_string (json_node_get_object (node), "name", path, TRUE, 0,
                                    &category->name, invalid, error))
        return FALSE;

      if (!sesame_json_is_id (category->id))
        return invalid (error, path, "the id may only hold a-z, 0-9 and -");

      if (!g_hash_table_insert (self->categories_by_id, category->id, category))
        return invalid (error, path, "the id is used twice");
    }

  return TRUE;
}

static gboolean
load_port (SesameService  *service,
           JsonObject     *object,
           const char     *path,
           GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *ports = NULL;
  SesameServicePort *port;
  int exposure;
  int protocol;

  port = g_new0 (SesameServicePort, 1);
  g_ptr_array_add (service->ports, port);

  if (!read_enum (object, "protocol", path, SESAME_TYPE_PROTOCOL, &protocol, error) ||
      !read_enum (object, "exposure", path, SESAME_TYPE_EXPOSURE, &exposure, error) ||
      !sesame_json_read_string (object, "ports", path, TRUE, 0, &ports, invalid, error) ||
      !sesame_json_read_string (object, "purpose", path, TRUE, 0, &port->purpose, invalid, error))
    return FALSE;

  port->protocol = protocol;
  port->exposure = exposure;

  if (!sesame_port_range_parse (ports, &port->range, &local_error))
    {
      g_autofree char *ports_path = g_strdup_printf ("%s.ports", path);
      return invalid (error, ports_path, local_error->message);
    }

  for (guint i = 0; i + 1 < service->ports->len; i++)
    {
      const SesameServicePort *other = g_ptr_array_index (service->ports, i);

      if (other->protocol == port->protocol &&
          sesame_port_range_overlaps (&other->range, &port->range))
        return invalid (error, path, "overlaps another port of the same service");
    }

  return TRUE;
}

static gboolean
load_service (SesameCatalog  *self,
              JsonObject     *object,
              const char     *path,
              GError        **error)
{
  g_autofree char *ports_path = g_strdup_printf ("%s.ports", path);
  SesameService *service;
  JsonNode *ports;
  int risk;

  service = g_new0 (SesameService, 1);
  service->ports = g_ptr_array_new_with_free_func (service_port_free);
  g_ptr_array_add (self->services, service);

  if (!sesame_json_read_string (object, "id", path, TRUE, 0, &service->id, invalid, error) ||
      !sesame_json_read_string (object, "name", path, TRUE, 0, &service->name, invalid, error) ||
      !sesame_json_read_string (object, "category", path, TRUE, 0, &service->category, invalid, error) ||
      !sesame_json_read_string (object, "description", path, TRUE, 0,
                                &service->description, invalid, error) ||
      !read_enum (object, "risk", path, SESAME_TYPE_RISK, &risk, error) ||
      !sesame_json_read_string (object, "risk_note", path, FALSE, 0,
                                &service->risk_note, invalid, error) ||
      !sesame_json_read_string (object, "instead", path, FALSE, 0, &service->instead, invalid, error) ||
      !sesame_json_read_string (object, "macos_sharing", path, FALSE, 0,
                                &service->macos_sharing, invalid, error))
    return FALSE;

  service->risk = risk;

  if (!sesame_json_is_id (service->id))
    return invalid (error, path, "the id may only hold a-z, 0-9 and -");
  if (!g_hash_table_insert (self->services_by_id, service->id, service))
    return invalid (error, path, "the id is used twice");
  if (!g_hash_table_contains (self->categories_by_id, service->category))
    return invalid (error, path, "the category does not exist");
  if (service->risk != SESAME_RISK_NONE && service->risk_note == NULL)
    return invalid (error, path, "a risky service needs a risk_note");
  if (service->risk == SESAME_RISK_NONE && service->risk_note != NULL)
    return invalid (error, path, "a risk_note needs a risk");
  if (service->risk == SESAME_RISK_DANGEROUS && service->instead == NULL)
    return invalid (error, path, "a dangerous service must say what to do instead");

  ports = json_object_get_member (object, "ports");
  if (ports == NULL || !JSON_NODE_HOLDS_ARRAY (ports) ||
      json_array_get_length (json_node_get_array (ports)) == 0)
    return invalid (error, ports_path, "must be a non-empty array");

  for (guint i = 0; i < json_array_get_length (json_node_get_array (ports)); i++)
    {
      g_autofree char *port_path = g_strdup_printf ("%s[%u]", ports_path, i);
      JsonNode *node = json_array_get_element (json_node_get_array (ports), i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, port_path, "must be an object");

      if (!load_port (service, json_node_get_object (node), port_path, error))
        return FALSE;
    }

  return TRUE;
}

/* "ipv6_filter": null (not known), or the IPv6 firewall's page and the way
 * to it in both languages, its source and whether it is confirmed */
static gboolean
read_ipv6_filter (JsonObject    *object,
                  const char    *path,
                  SesameRouter  *router,
                  GError       **error)
{
  g_autofree char *member_path = g_strdup_printf ("%s.ipv6_filter", path);
  JsonNode *node = json_object_get_member (object, "ipv6_filter");
  JsonObject *filter;
  JsonNode *uncertain;
  g_autoptr(GList) members = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, member_path, "must be an object with page, menu_path, source and uncertain, or null");

  filter = json_node_get_object (node);
  members = json_object_get_members (filter);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (ipv6_filter_fields, l->data))
      return invalid (error, member_path, "holds a member Sesame does not know");

  uncertain = json_object_get_member (filter, "uncertain");
  if (uncertain == NULL || !JSON_NODE_HOLDS_VALUE (uncertain) ||
      json_node_get_value_type (uncertain) != G_TYPE_BOOLEAN)
    return invalid (error, member_path, "uncertain must be true or false");
  router->ipv6_filter_uncertain = json_node_get_boolean (uncertain);

  if (!read_text (filter, "page", member_path, TRUE, &router->ipv6_filter_page, error) ||
      !read_path (filter, "menu_path", member_path, TRUE,
                  &router->ipv6_filter_path_en, &router->ipv6_filter_path_ja, error) ||
      !sesame_json_read_string (filter, "source", member_path, FALSE, 0,
                                &router->ipv6_filter_source, invalid, error))
    return FALSE;

  /* A page that is not in doubt says where that is written */
  if (!router->ipv6_filter_uncertain && router->ipv6_filter_source == NULL)
    return invalid (error, member_path, "a confirmed page needs its source");

  return TRUE;
}

static gboolean
load_router (SesameCatalog  *self,
             JsonObject     *object,
             const char     *path,
             GError        **error)
{
  SesameRouter *router;
  int market;
  int upnp;
  int natpmp;
  int pcp;
  int ranges;

  router = g_new0 (SesameRouter, 1);
  g_ptr_array_add (self->routers, router);

  if (!sesame_json_read_string (object, "id", path, TRUE, 0, &router->id, invalid, error) ||
      !read_text (object, "vendor", path, TRUE, &router->vendor, error) ||
      !read_text (object, "model", path, TRUE, &router->model, error) ||
      !read_enum (object, "market", path, SESAME_TYPE_MARKET, &market, error) ||
      !sesame_json_read_string (object, "lan_address", path, TRUE, 0, &router->lan_address, invalid, error) ||
      !sesame_json_read_string (object, "admin_url", path, FALSE, 0, &router->admin_url, invalid, error) ||
      !read_text (object, "forwarding_page", path, TRUE, &router->forwarding_page, error) ||
      !read_path (object, "menu_path", path, TRUE, &router->menu_path_en, &router->menu_path_ja, error) ||
      !read_text (object, "reservation_page", path, FALSE, &router->reservation_page, error) ||
      !read_path (object, "reservation_menu_path", path, FALSE,
                  &router->reservation_path_en, &router->reservation_path_ja, error) ||
      !read_enum (object, "upnp_igd", path, SESAME_TYPE_SUPPORT, &upnp, error) ||
      !read_enum (object, "nat_pmp", path, SESAME_TYPE_SUPPORT, &natpmp, error) ||
      !read_enum (object, "pcp", path, SESAME_TYPE_SUPPORT, &pcp, error) ||
      !read_enum (object, "port_ranges", path, SESAME_TYPE_SUPPORT, &ranges, error) ||
      !read_text (object, "notes", path, FALSE, &router->notes, error) ||
      !read_strv (object, "uncertain", path, TRUE, &router->uncertain, error) ||
      !read_ipv6_filter (object, path, router, error))
    return FALSE;

  router->japan = market == SESAME_MARKET_JP;
  router->upnp_igd = upnp;
  router->nat_pmp = natpmp;
  router->pcp = pcp;
  router->port_ranges = ranges;

  if (!sesame_json_is_id (router->id))
    return invalid (error, path, "the id may only hold a-z, 0-9 and -");
  if (!g_hash_table_insert (self->routers_by_id, router->id, router))
    return invalid (error, path, "the id is used twice");
  if (!g_hostname_is_ip_address (router->lan_address) || strchr (router->lan_address, ':'))
    return invalid (error, path, "lan_address must be an IPv4 address");
  if (router->admin_url != NULL && !g_str_has_prefix (router->admin_url, "http://") &&
      !g_str_has_prefix (router->admin_url, "https://"))
    return invalid (error, path, "admin_url must be an http or https address");
  if ((router->reservation_path_en != NULL) != (router->reservation_page.en != NULL))
    return invalid (error, path, "reservation_page and reservation_menu_path go together");

  for (guint i = 0; router->uncertain[i] != NULL; i++)
    if (!g_strv_contains (router_fields, router->uncertain[i]))
      return invalid (error, path, "uncertain names a field that does not exist");

  return TRUE;
}

static JsonObject *
parse_root (GBytes      *bytes,
            const char  *name,
            GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 version;

  if (!(root = sesame_json_parse_bytes (bytes, SESAME_JSON_MAX_SIZE_CATALOG, &local_error)))
    {
      g_set_error (error, SESAME_CATALOG_ERROR, SESAME_CATALOG_ERROR_INVALID,
                   "%s: %s", name, local_error->message);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      invalid (error, name, "must hold a JSON object");
      return NULL;
    }

  version = json_object_get_int_member_with_default (json_node_get_object (root), "version", 0);
  if (version != CATALOG_VERSION)
    {
      invalid (error, name, "has an unsupported version");
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

static JsonArray *
get_array (JsonObject  *object,
           const char  *member,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      invalid (error, member, "must be an array");
      return NULL;
    }

  return json_node_get_array (node);
}

/**
 * sesame_catalog_new_from_bytes:
 * @services_json: the services catalog
 * @routers_json: the routers catalog
 * @error: return location for a #GError
 *
 * Loads and validates both catalogs: unique ids, ports from 1 to 65535 with
 * ordered ranges, known exposures, existing categories, and every field a
 * checklist needs.
 */
SesameCatalog *
sesame_catalog_new_from_bytes (GBytes  *services_json,
                               GBytes  *routers_json,
                               GError **error)
{
  g_autoptr(SesameCatalog) self = g_object_new (SESAME_TYPE_CATALOG, NULL);
  g_autoptr(JsonObject) services_root = NULL;
  g_autoptr(JsonObject) routers_root = NULL;
  JsonArray *categories;
  JsonArray *services;
  JsonArray *routers;

  g_return_val_if_fail (services_json != NULL, NULL);
  g_return_val_if_fail (routers_json != NULL, NULL);

  if (!(services_root = parse_root (services_json, "services.json", error)) ||
      !(routers_root = parse_root (routers_json, "routers.json", error)) ||
      !(categories = get_array (services_root, "categories", error)) ||
      !(services = get_array (services_root, "services", error)) ||
      !(routers = get_array (routers_root, "routers", error)))
    return NULL;

  if (!load_categories (self, categories, error))
    return NULL;

  for (guint i = 0; i < json_array_get_length (services); i++)
    {
      g_autofree char *path = g_strdup_printf ("services[%u]", i);
      JsonNode *node = json_array_get_element (services, i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          invalid (error, path, "must be an object");
          return NULL;
        }

      if (!load_service (self, json_node_get_object (node), path, error))
        return NULL;
    }

  for (guint i = 0; i < json_array_get_length (routers); i++)
    {
      g_autofree char *path = g_strdup_printf ("routers[%u]", i);
      JsonNode *node = json_array_get_element (routers, i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          invalid (error, path, "must be an object");
          return NULL;
        }

      if (!load_router (self, json_node_get_object (node), path, error))
        return NULL;
    }

  if (!g_hash_table_contains (self->routers_by_id, "generic"))
    {
      invalid (error, "routers", "the generic router is missing");
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * sesame_catalog_load_default:
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the catalogs built into Sesame
 */
SesameCatalog *
sesame_catalog_load_default (GError **error)
{
  g_autoptr(GBytes) services = NULL;
  g_autoptr(GBytes) routers = NULL;

  sesame_resources_ensure ();

  if (!(services = g_resources_lookup_data (RESOURCE_BASE "/catalogs/services.json", 0, error)) ||
      !(routers = g_resources_lookup_data (RESOURCE_BASE "/catalogs/routers.json", 0, error)))
    return NULL;

  return sesame_catalog_new_from_bytes (services, routers, error);
}

/**
 * sesame_catalog_get_default:
 * @error: return location for a #GError
 *
 * The catalogs built into Sesame, loaded once for the process: they never
 * change, so the wizard and its probes share one. Thread-safe; a call
 * while sesame_catalog_preload_default () is loading waits for it.
 *
 * Returns: (transfer full): the catalogs built into Sesame
 */
SesameCatalog *
sesame_catalog_get_default (GError **error)
{
  static GMutex lock;
  static SesameCatalog *catalog;
  static GError *load_error;
  SesameCatalog *ret = NULL;

  g_mutex_lock (&lock);
  if (catalog == NULL && load_error == NULL)
    catalog = sesame_catalog_load_default (&load_error);
  if (catalog != NULL)
    ret = g_object_ref (catalog);
  else if (error != NULL)
    *error = g_error_copy (load_error);
  g_mutex_unlock (&lock);

  return ret;
}

static gpointer
preload_thread (gpointer data)
{
  SesameCatalog *catalog = sesame_catalog_get_default (NULL);

  g_clear_object (&catalog);

  return NULL;
}

/**
 * sesame_catalog_preload_default:
 *
 * Starts loading the default catalogs in a thread of their own, so that
 * they are ready by the time sesame_catalog_get_default () is called: the
 * wizard starts it while GTK and the application start.
 */
void
sesame_catalog_preload_default (void)
{
  g_thread_unref (g_thread_new ("sesame-catalog", preload_thread, NULL));
}

/**
 * sesame_catalog_get_services:
 *
 * Returns: (transfer none) (element-type SesameService): the services, in catalog order
 */
GPtrArray *
sesame_catalog_get_services (SesameCatalog *self)
{
  g_return_val_if_fail (SESAME_IS_CATALOG (self), NULL);

  return self->services;
}

/**
 * sesame_catalog_get_routers:
 *
 * Returns: (transfer none) (element-type SesameRouter): the routers, in catalog order
 */
GPtrArray *
sesame_catalog_get_routers (SesameCatalog *self)
{
  g_return_val_if_fail (SESAME_IS_CATALOG (self), NULL);

  return self->routers;
}

/**
 * sesame_catalog_get_categories:
 *
 * Returns: (transfer none) (element-type SesameCategory): the service categories
 */
GPtrArray *
sesame_catalog_get_categories (SesameCatalog *self)
{
  g_return_val_if_fail (SESAME_IS_CATALOG (self), NULL);

  return self->categories;
}

const SesameService *
sesame_catalog_lookup_service (SesameCatalog *self,
                               const char    *id)
{
  g_return_val_if_fail (SESAME_IS_CATALOG (self), NULL);

  return id ? g_hash_table_lookup (self->services_by_id, id) : NULL;
}

const SesameRouter *
sesame_catalog_lookup_router (SesameCatalog *self,
                              const char    *id)
{
  g_return_val_if_fail (SESAME_IS_CATALOG (self), NULL);

  return id ? g_hash_table_lookup (self->routers_by_id, id) : NULL;
}

const SesameCategory *
sesame_catalog_lookup_category (SesameCatalog *self,
                                const char    *id)
{
  g_return_val_if_fail (SESAME_IS_CATALOG (self), NULL);

  return id ? g_hash_table_lookup (self->categories_by_id, id) : NULL;
}

const char *
sesame_text_get (const SesameText *text,
                 const char       *language)
{
  g_return_val_if_fail (text != NULL, NULL);

  return g_strcmp0 (language, "ja") == 0 ? text->ja : text->en;
}

const char * const *
sesame_router_get_menu_path (const SesameRouter *router,
                             const char         *language)
{
  g_return_val_if_fail (router != NULL, NULL);

  return (const char * const *)(g_strcmp0 (language, "ja") == 0 ? router->menu_path_ja
                                                                  : router->menu_path_en);
}

const char * const *
sesame_router_get_reservation_path (const SesameRouter *router,
                                    const char         *language)
{
  g_return_val_if_fail (router != NULL, NULL);

  return (const char * const *)(g_strcmp0 (language, "ja") == 0 ? router->reservation_path_ja
                                                                  : router->reservation_path_en);
}

/* The IPv6 firewall's menu path, or NULL when the catalog does not know it */
const char * const *
sesame_router_get_ipv6_filter_path (const SesameRouter *router,
                                    const char         *language)
{
  g_return_val_if_fail (router != NULL, NULL);

  return (const char * const *)(g_strcmp0 (language, "ja") == 0 ? router->ipv6_filter_path_ja
                                                                  : router->ipv6_filter_path_en);
}

gboolean
sesame_router_is_uncertain (const SesameRouter *router,
                            const char         *field)
{
  g_return_val_if_fail (router != NULL, FALSE);

  return g_strv_contains ((const char * const *)router->uncertain, field);
}

SESAME_DEFINE_ENUM_STRINGS (SesameExposure, sesame_exposure, SESAME_TYPE_EXPOSURE)
SESAME_DEFINE_ENUM_STRINGS (SesameRisk, sesame_risk, SESAME_TYPE_RISK)
SESAME_DEFINE_ENUM_STRINGS (SesameSupport, sesame_support, SESAME_TYPE_SUPPORT)
