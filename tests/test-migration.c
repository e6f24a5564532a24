/* test-migration.c: moving the seed's Mac mini from a Buffalo BBR-4MG to an AirPort Extreme
 *
 * New strings show in English until they are translated, so the Japanese
 * assertions are on data-driven text: router pages and names from the
 * catalog, addresses and ports.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "sesame-migration-writer.h"

static SesameCatalog *catalog;

static const SesameExportFormat formats[] = {
  SESAME_EXPORT_FORMAT_TEXT,
  SESAME_EXPORT_FORMAT_MARKDOWN,
  SESAME_EXPORT_FORMAT_HTML,
  SESAME_EXPORT_FORMAT_JSON,
};

static SesamePlan *
load_plan (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autoptr(GError) error = NULL;
  SesamePlan *plan = sesame_plan_load_from_file (path, catalog, &error);

  g_assert_no_error (error);
  g_assert_nonnull (plan);
  return plan;
}

static SesameMigration *
migrate (SesamePlan *old_plan,
         SesamePlan *new_plan,
         const char *language)
{
  g_autoptr(GError) error = NULL;
  SesameMigration *migration = sesame_migration_new (old_plan, new_plan, catalog, language, &error);

  g_assert_no_error (error);
  g_assert_nonnull (migration);
  return migration;
}

static SesameMigration *
seed_migration (const char *language)
{
  g_autoptr(SesamePlan) old_plan = load_plan ("seed-plan.json");
  g_autoptr(SesamePlan) new_plan = load_plan ("seed-plan-airport.json");

  return migrate (old_plan, new_plan, language);
}

static const SesameChange *
find_change (SesameMigration  *migration,
             SesameChangeKind  kind,
             const char       *value)
{
  GPtrArray *changes = sesame_migration_get_changes (migration);

  for (guint i = 0; i < changes->len; i++)
    {
      const SesameChange *change = g_ptr_array_index (changes, i);

      if (change->kind != kind)
        continue;
      if (value == NULL || g_strcmp0 (change->old_value, value) == 0 || g_strcmp0 (change->new_value, value) == 0)
        return change;
    }

  return NULL;
}

static const SesameForward *
find_forward (GPtrArray      *forwards,
              SesameProtocol  protocol,
              guint           first,
              guint           last)
{
  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);

      if (forward->protocol == protocol && forward->external.first == first && forward->external.last == last)
        return forward;
    }

  return NULL;
}

/* The same, for changes and rows that must be there */
static const SesameChange *
require_change (SesameMigration  *migration,
                SesameChangeKind  kind,
                const char       *value)
{
  const SesameChange *change = find_change (migration, kind, value);

  if (change == NULL)
    g_error ("no change of kind %s for %s", sesame_change_kind_to_string (kind), value ? value : "any value");

  return change;
}

static const SesameForward *
require_forward (GPtrArray      *forwards,
                 SesameProtocol  protocol,
                 guint           first,
                 guint           last)
{
  const SesameForward *forward = find_forward (forwards, protocol, first, last);

  if (forward == NULL)
    g_error ("no row for %s %u-%u", sesame_protocol_to_string (protocol), first, last);

  return forward;
}

static gboolean
is_ascii (const char *text)
{
  for (const char *p = text; *p; p++)
    {
      if ((guchar) *p >= 0x80)
        return FALSE;
    }

  return TRUE;
}

static void
assert_forwards_lead_to (GPtrArray  *forwards,
                         const char *address)
{
  const SesameForward *forward;

  g_assert_cmpuint (forwards->len, >, 0);
  for (guint i = 0; i < forwards->len; i++)
    g_assert_cmpstr (((SesameForward *) g_ptr_array_index (forwards, i))->internal_address, ==, address);

  require_forward (forwards, SESAME_PROTOCOL_UDP, 16384, 16403);
  forward = require_forward (forwards, SESAME_PROTOCOL_UDP, 27015, 27016);
  g_assert_true (g_ptr_array_find_with_equal_func (forward->services, "custom:Game server", g_str_equal, NULL));
}

/* The story: 192.168.11.5 behind アドレス変換 becomes 10.0.1.5 behind Port Mapping */
static void
test_seed (gconstpointer data)
{
  const char *language = data;
  g_autoptr(SesameMigration) migration = seed_migration (language);
  const SesameRouter *buffalo = sesame_catalog_lookup_router (catalog, "buffalo-bbr-4mg");
  const SesameRouter *airport = sesame_catalog_lookup_router (catalog, "apple-airport-extreme");
  SesameChecklist *old = sesame_migration_get_old_checklist (migration);
  SesameChecklist *new = sesame_migration_get_new_checklist (migration);
  const SesameChange *change;
  GPtrArray *steps;
  gboolean seen_page = FALSE;

  g_assert_cmpstr (sesame_migration_get_language (migration), ==, language);
  g_assert_cmpstr (sesame_checklist_get_language (old), ==, language);
  g_assert_false (sesame_migration_is_same_router (migration));

  change = require_change (migration, SESAME_CHANGE_ROUTER, NULL);
  g_assert_cmpstr (change->old_value, ==, "buffalo-bbr-4mg");
  g_assert_cmpstr (change->new_value, ==, "apple-airport-extreme");
  g_assert_nonnull (strstr (change->text, sesame_checklist_get_router_name (old)));
  g_assert_nonnull (strstr (change->text, sesame_checklist_get_router_name (new)));

  change = require_change (migration, SESAME_CHANGE_HOST_ADDRESS, NULL);
  g_assert_cmpstr (change->old_value, ==, "192.168.11.5");
  g_assert_cmpstr (change->new_value, ==, "10.0.1.5");
  g_assert_nonnull (strstr (change->text, "192.168.11.5"));
  g_assert_nonnull (strstr (change->text, "10.0.1.5"));

  change = require_change (migration, SESAME_CHANGE_ROUTER_ADDRESS, NULL);
  g_assert_cmpstr (change->old_value, ==, "192.168.11.1");
  g_assert_cmpstr (change->new_value, ==, "10.0.1.1");

  change = require_change (migration, SESAME_CHANGE_SUBNET, NULL);
  g_assert_cmpstr (change->old_value, ==, "192.168.11.0/24");
  g_assert_cmpstr (change->new_value, ==, "10.0.1.0/24");

  change = require_change (migration, SESAME_CHANGE_PAGE, NULL);
  g_assert_cmpstr (change->old_value, ==, sesame_text_get (&buffalo->forwarding_page, language));
  g_assert_cmpstr (change->new_value, ==, sesame_text_get (&airport->forwarding_page, language));
  g_assert_nonnull (strstr (change->text, change->old_value));
  g_assert_nonnull (strstr (change->text, change->new_value));
  if (g_str_equal (language, "ja"))
    {
      g_assert_cmpstr (change->old_value, ==, "アドレス変換");
      g_assert_cmpstr (change->new_value, ==, "ポートマッピング");
    }
  else
    g_assert_cmpstr (change->new_value, ==, "Port Mapping");

  g_assert_nonnull (find_change (migration, SESAME_CHANGE_MENU_PATH, NULL));

  change = require_change (migration, SESAME_CHANGE_FORWARD_ADDRESS, NULL);
  g_assert_cmpstr (change->old_value, ==, "192.168.11.5");
  g_assert_cmpstr (change->new_value, ==, "10.0.1.5");
  g_assert_nonnull (strstr (change->text, "16384-16403"));

  /* Same services, same system, same connection */
  g_assert_false (sesame_migration_has_change (migration, SESAME_CHANGE_PORTS_ADDED));
  g_assert_false (sesame_migration_has_change (migration, SESAME_CHANGE_PORTS_REMOVED));
  g_assert_false (sesame_migration_has_change (migration, SESAME_CHANGE_HOST_OS));
  g_assert_false (sesame_migration_has_change (migration, SESAME_CHANGE_CONNECTION));

  /* Rows to add: the new checklist's, to the new address */
  g_assert_true (sesame_migration_get_add_forwards (migration) == sesame_checklist_get_forwards (new));
  assert_forwards_lead_to (sesame_migration_get_add_forwards (migration), "10.0.1.5");
  g_assert_true (sesame_migration_get_new_router_steps (migration) == sesame_checklist_get_router_steps (new));

  /* Rows to remove: the old checklist's, to the old address, on the old page */
  assert_forwards_lead_to (sesame_migration_get_remove_forwards (migration), "192.168.11.5");
  g_assert_cmpuint (sesame_migration_get_remove_forwards (migration)->len, ==, sesame_checklist_get_forwards (old)->len);
  steps = sesame_migration_get_remove_steps (migration);
  g_assert_cmpuint (steps->len, ==, 3);
  for (guint i = 0; i < steps->len; i++)
    {
      const SesameStep *step = g_ptr_array_index (steps, i);

      if (strstr (step->text, sesame_text_get (&buffalo->forwarding_page, language)) != NULL &&
          strstr (step->text, sesame_checklist_get_router_menu_path (old)) != NULL)
        seen_page = TRUE;
    }
  g_assert_true (seen_page);
  g_assert_nonnull (strstr (((SesameStep *) g_ptr_array_index (steps, 0))->text, "http://192.168.11.1/"));
  g_assert_nonnull (strstr (((SesameStep *) g_ptr_array_index (steps, 2))->text, "192.168.11.5"));
  /* Why: a stale way in, and double NAT if it stays in front */
  g_assert_cmpuint (sesame_migration_get_remove_notes (migration)->len, ==, 2);
  g_assert_nonnull (strstr (g_ptr_array_index (sesame_migration_get_remove_notes (migration), 0), "192.168.11.5"));

  /* The address changed: the Mac's firewall steps come again */
  g_assert_true (sesame_migration_get_firewall_changed (migration));
  g_assert_nonnull (sesame_migration_get_firewall_note (migration));
  g_assert_true (sesame_migration_get_firewall_steps (migration) == sesame_checklist_get_firewall_steps (new));
  g_assert_cmpuint (sesame_migration_get_firewall_steps (migration)->len, >, 0);

  /* The warnings were on the old checklist already */
  g_assert_cmpuint (sesame_migration_get_warnings (migration)->len, ==, 0);
  g_assert_cmpuint (sesame_migration_get_conflicts (migration)->len, ==, 0);

  g_assert_nonnull (strstr (sesame_migration_get_title (migration), "Mac mini"));
  g_assert_nonnull (strstr (sesame_migration_get_title (migration), "10.0.1.5"));
}

/* Without a language: the new plan's */
static void
test_language (void)
{
  g_autoptr(SesamePlan) old_plan = load_plan ("seed-plan.json");
  g_autoptr(SesamePlan) new_plan = load_plan ("seed-plan-airport.json");
  g_autoptr(SesameMigration) ja = migrate (old_plan, new_plan, NULL);
  g_autoptr(SesameMigration) en = NULL;

  g_assert_cmpstr (sesame_migration_get_language (ja), ==, "ja");

  sesame_plan_set_language (new_plan, "en");
  en = migrate (old_plan, new_plan, NULL);
  g_assert_cmpstr (sesame_migration_get_language (en), ==, "en");
  g_assert_cmpstr (sesame_checklist_get_language (sesame_migration_get_old_checklist (en)), ==, "en");
}

/* A new router on the same network, the server keeping its address */
static void
test_no_host_change (void)
{
  g_autoptr(SesamePlan) old_plan = load_plan ("seed-plan.json");
  g_autoptr(SesamePlan) new_plan = load_plan ("seed-plan.json");
  g_autoptr(SesameMigration) migration = NULL;

  sesame_plan_set_router_id (new_plan, "apple-airport-extreme");
  migration = migrate (old_plan, new_plan, "en");

  g_assert_true (sesame_migration_has_change (migration, SESAME_CHANGE_ROUTER));
  g_assert_true (sesame_migration_has_change (migration, SESAME_CHANGE_PAGE));
  g_assert_false (sesame_migration_has_change (migration, SESAME_CHANGE_ROUTER_ADDRESS));
  g_assert_false (sesame_migration_has_change (migration, SESAME_CHANGE_HOST_ADDRESS));
  g_assert_false (sesame_migration_has_change (migration, SESAME_CHANGE_SUBNET));
  g_assert_false (sesame_migration_has_change (migration, SESAME_CHANGE_FORWARD_ADDRESS));
  g_assert_false (sesame_migration_is_same_router (migration));

  /* Nothing to redo on the server */
  g_assert_false (sesame_migration_get_firewall_changed (migration));
  g_assert_null (sesame_migration_get_firewall_note (migration));
  g_assert_cmpuint (sesame_migration_get_firewall_steps (migration)->len, ==, 0);

  /* The old router still has its rows to the same server: they go */
  assert_forwards_lead_to (sesame_migration_get_remove_forwards (migration), "192.168.11.5");
  assert_forwards_lead_to (sesame_migration_get_add_forwards (migration), "192.168.11.5");
}

/* The same router, the server moved: the old rows go first */
static void
test_same_router (void)
{
  g_autoptr(SesamePlan) old_plan = load_plan ("seed-plan.json");
  g_autoptr(SesamePlan) new_plan = load_plan ("seed-plan.json");
  g_autoptr(SesameMigration) migration = NULL;
  g_autofree char *text = NULL;

  sesame_plan_set_host_address (new_plan, "192.168.11.20");
  migration = migrate (old_plan, new_plan, "en");

  g_assert_true (sesame_migration_is_same_router (migration));
  g_assert_false (sesame_migration_has_change (migration, SESAME_CHANGE_ROUTER));
  g_assert_false (sesame_migration_has_change (migration, SESAME_CHANGE_PAGE));
  g_assert_false (sesame_migration_has_change (migration, SESAME_CHANGE_SUBNET));
  g_assert_nonnull (find_change (migration, SESAME_CHANGE_HOST_ADDRESS, "192.168.11.20"));
  g_assert_cmpuint (sesame_migration_get_remove_notes (migration)->len, ==, 1);

  text = sesame_migration_write (migration, SESAME_EXPORT_FORMAT_TEXT);
  g_assert_nonnull (strstr (text, "Delete the old entries first"));
  g_assert_null (strstr (text, "Remove from the old router"));
}

/* Services and custom rules added or removed between the plans */
static void
test_services (void)
{
  g_autoptr(SesamePlan) old_plan = load_plan ("seed-plan.json");
  g_autoptr(SesamePlan) new_plan = load_plan ("seed-plan-airport.json");
  g_autoptr(SesameMigration) migration = NULL;
  SesameCustomRule rule = { (char *) "Game server", SESAME_RULE_PROTOCOL_UDP, { 27015, 27020 }, { 27015, 27020 } };
  const SesameChange *change;

  sesame_plan_add_service (new_plan, "minecraft-java");
  sesame_plan_remove_service (new_plan, "vnc");
  sesame_plan_remove_custom_rule (new_plan, 0);
  sesame_plan_add_custom_rule (new_plan, &rule);
  migration = migrate (old_plan, new_plan, "en");

  change = require_change (migration, SESAME_CHANGE_PORTS_ADDED, "minecraft-java");
  g_assert_null (change->old_value);
  g_assert_nonnull (strstr (change->text, "Minecraft"));

  change = require_change (migration, SESAME_CHANGE_PORTS_REMOVED, "vnc");
  g_assert_null (change->new_value);

  /* A rule with other ports is the old one removed and a new one added */
  change = require_change (migration, SESAME_CHANGE_PORTS_ADDED, "custom:Game server");
  g_assert_nonnull (strstr (change->text, "27015-27020"));
  change = require_change (migration, SESAME_CHANGE_PORTS_REMOVED, "custom:Game server");
  g_assert_nonnull (strstr (change->text, "27015-27016"));

  g_assert_nonnull (find_forward (sesame_migration_get_add_forwards (migration), SESAME_PROTOCOL_TCP, 25565, 25565));
  g_assert_null (find_forward (sesame_migration_get_add_forwards (migration), SESAME_PROTOCOL_TCP, 5900, 5900));
  g_assert_nonnull (find_forward (sesame_migration_get_remove_forwards (migration), SESAME_PROTOCOL_TCP, 5900, 5900));
}

/* ufw rules name the home network: they must be replaced */
static void
test_firewall_subnet (void)
{
  g_autoptr(SesamePlan) old_plan = load_plan ("seed-plan.json");
  g_autoptr(SesamePlan) new_plan = load_plan ("seed-plan-airport.json");
  g_autoptr(SesameMigration) migration = NULL;
  g_autoptr(SesameMigration) os_change = NULL;
  GPtrArray *steps;
  gboolean seen_subnet = FALSE;

  sesame_plan_set_host_os (old_plan, SESAME_HOST_OS_LINUX_UFW);
  sesame_plan_set_host_os (new_plan, SESAME_HOST_OS_LINUX_UFW);
  migration = migrate (old_plan, new_plan, "en");

  g_assert_true (sesame_migration_get_firewall_changed (migration));
  g_assert_nonnull (strstr (sesame_migration_get_firewall_note (migration), "192.168.11.0/24"));
  g_assert_nonnull (strstr (sesame_migration_get_firewall_note (migration), "10.0.1.0/24"));
  steps = sesame_migration_get_firewall_steps (migration);
  for (guint i = 0; i < steps->len; i++)
    {
      const SesameStep *step = g_ptr_array_index (steps, i);

      if (step->command != NULL && strstr (step->command, "ufw allow from 10.0.1.0/24") != NULL)
        seen_subnet = TRUE;
      g_assert_true (step->command == NULL || strstr (step->command, "192.168.11.") == NULL);
    }
  g_assert_true (seen_subnet);

  /* Another system: the firewall is set up anew, whatever the address */
  sesame_plan_set_host_os (new_plan, SESAME_HOST_OS_WINDOWS);
  sesame_plan_set_host_address (new_plan, "192.168.11.5");
  sesame_plan_set_router_address (new_plan, "192.168.11.1");
  os_change = migrate (old_plan, new_plan, "en");
  g_assert_nonnull (find_change (os_change, SESAME_CHANGE_HOST_OS, "windows"));
  g_assert_false (sesame_migration_has_change (os_change, SESAME_CHANGE_HOST_ADDRESS));
  g_assert_true (sesame_migration_get_firewall_changed (os_change));
  g_assert_true (sesame_migration_get_firewall_steps (os_change) ==
                 sesame_checklist_get_firewall_steps (sesame_migration_get_new_checklist (os_change)));
}

static void
test_connection (void)
{
  g_autoptr(SesamePlan) old_plan = load_plan ("seed-plan.json");
  g_autoptr(SesamePlan) new_plan = load_plan ("seed-plan-airport.json");
  g_autoptr(SesameMigration) migration = NULL;
  const SesameChange *change;

  sesame_plan_set_connection (new_plan, SESAME_CONNECTION_DS_LITE);
  migration = migrate (old_plan, new_plan, "en");

  change = require_change (migration, SESAME_CHANGE_CONNECTION, NULL);
  g_assert_cmpstr (change->old_value, ==, "pppoe");
  g_assert_cmpstr (change->new_value, ==, "ds-lite");
  /* DS-Lite's warning is new: it comes first */
  g_assert_cmpuint (sesame_migration_get_warnings (migration)->len, ==, 1);
}

static void
test_invalid (void)
{
  g_autoptr(SesamePlan) old_plan = load_plan ("seed-plan.json");
  g_autoptr(SesamePlan) new_plan = load_plan ("seed-plan-airport.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(SesameMigration) migration = NULL;

  sesame_plan_set_router_id (old_plan, "no-such-router");
  migration = sesame_migration_new (old_plan, new_plan, catalog, "en", &error);
  g_assert_error (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_INVALID);
  g_assert_null (migration);
}

static void
assert_rows (JsonArray  *rows,
             const char *address)
{
  g_assert_cmpuint (json_array_get_length (rows), >, 0);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      g_assert_cmpstr (json_object_get_string_member (row, "internal_address"), ==, address);
      g_assert_true (json_object_has_member (row, "protocol"));
      g_assert_true (json_object_has_member (row, "external_ports"));
      g_assert_true (json_object_has_member (row, "internal_ports"));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (row, "services")), >, 0);
    }
}

/* The JSON keys other programs rely on */
static void
test_json_contract (void)
{
  g_autoptr(SesameMigration) migration = seed_migration ("ja");
  g_autofree char *json = sesame_migration_write (migration, SESAME_EXPORT_FORMAT_JSON);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonObject *router;
  JsonObject *firewall;
  JsonArray *changes;
  JsonArray *steps;
  gboolean seen_host = FALSE;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  root = json_node_get_object (json_parser_get_root (parser));

  g_assert_cmpstr (json_object_get_string_member (root, "language"), ==, "ja");

  router = json_object_get_object_member (root, "old_router");
  g_assert_cmpstr (json_object_get_string_member (router, "id"), ==, "buffalo-bbr-4mg");
  g_assert_cmpstr (json_object_get_string_member (router, "page"), ==, "アドレス変換");
  g_assert_true (json_object_has_member (router, "name"));
  g_assert_true (json_object_has_member (router, "menu_path"));

  router = json_object_get_object_member (root, "new_router");
  g_assert_cmpstr (json_object_get_string_member (router, "id"), ==, "apple-airport-extreme");
  g_assert_cmpstr (json_object_get_string_member (router, "page"), ==, "ポートマッピング");
  g_assert_true (json_object_has_member (router, "name"));
  g_assert_true (json_object_has_member (router, "menu_path"));
  /* The AirPort is set up with an app */
  g_assert_true (json_object_has_member (router, "admin_url"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (router, "admin_url")));

  changes = json_object_get_array_member (root, "changes");
  g_assert_cmpuint (json_array_get_length (changes), ==, sesame_migration_get_changes (migration)->len);
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      g_assert_true (json_object_has_member (change, "kind"));
      g_assert_true (json_object_has_member (change, "old"));
      g_assert_true (json_object_has_member (change, "new"));
      g_assert_true (json_object_has_member (change, "text"));
      if (g_str_equal (json_object_get_string_member (change, "kind"), "host-address"))
        {
          g_assert_cmpstr (json_object_get_string_member (change, "old"), ==, "192.168.11.5");
          g_assert_cmpstr (json_object_get_string_member (change, "new"), ==, "10.0.1.5");
          seen_host = TRUE;
        }
    }
  g_assert_true (seen_host);

  assert_rows (json_object_get_array_member (root, "add"), "10.0.1.5");
  assert_rows (json_object_get_array_member (root, "remove"), "192.168.11.5");

  firewall = json_object_get_object_member (root, "host_firewall");
  g_assert_cmpstr (json_object_get_string_member (firewall, "os"), ==, "macos");
  steps = json_object_get_array_member (firewall, "steps");
  g_assert_cmpuint (json_array_get_length (steps), >, 0);
  g_assert_true (json_object_has_member (json_array_get_object_element (steps, 0), "text"));
  g_assert_true (json_object_has_member (json_array_get_object_element (steps, 0), "command"));
}

static guint
count (const char *haystack,
       const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;

  return n;
}

/* Every format, in both languages */
static void
test_formats (gconstpointer data)
{
  const char *language = data;
  g_autoptr(SesameMigration) migration = seed_migration (language);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *text = sesame_migration_write (migration, formats[i]);

      g_assert_nonnull (text);
      g_assert_true (g_utf8_validate (text, -1, NULL));
      g_assert_true (g_str_has_suffix (text, "\n"));
      g_assert_false (g_str_has_suffix (text, "\n\n"));
      g_assert_nonnull (strstr (text, "10.0.1.5"));
      g_assert_nonnull (strstr (text, "192.168.11.5"));
      g_assert_nonnull (strstr (text, "27015-27016"));

      if (g_str_equal (language, "ja"))
        {
          g_assert_false (is_ascii (text));
          g_assert_nonnull (strstr (text, "アドレス変換"));
          g_assert_nonnull (strstr (text, "ポートマッピング"));
        }
    }
}

/* One printable page: a tick box for every row to add and every row to remove */
static void
test_html (void)
{
  g_autoptr(SesameMigration) migration = seed_migration ("ja");
  g_autofree char *html = sesame_migration_write (migration, SESAME_EXPORT_FORMAT_HTML);
  guint add = sesame_migration_get_add_forwards (migration)->len;
  guint remove = sesame_migration_get_remove_forwards (migration)->len;

  g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>\n<html lang=\"ja\">"));
  g_assert_cmpuint (count (html, "<input type=\"checkbox\""), ==, add + remove);
  g_assert_cmpuint (count (html, "<table class=\"forwards add\">"), ==, 1);
  g_assert_cmpuint (count (html, "<table class=\"forwards remove\">"), ==, 1);
  g_assert_nonnull (strstr (html, "@media print"));
  g_assert_null (strstr (html, "<script"));
  g_assert_null (strstr (html, "<link"));
  g_assert_null (strstr (html, "src="));
}

static void
test_markdown_escapes (void)
{
  g_autoptr(SesamePlan) old_plan = load_plan ("seed-plan.json");
  g_autoptr(SesamePlan) new_plan = load_plan ("seed-plan-airport.json");
  g_autoptr(SesameMigration) migration = NULL;
  g_autofree char *html = NULL;
  g_autofree char *markdown = NULL;
  SesameCustomRule rule = { (char *) "<b>x</b> | *y*", SESAME_RULE_PROTOCOL_TCP, { 8080, 8080 }, { 8080, 8080 } };

  sesame_plan_set_host_name (new_plan, "Tom & Jerry's <server>");
  sesame_plan_add_custom_rule (new_plan, &rule);
  migration = migrate (old_plan, new_plan, "en");

  html = sesame_migration_write (migration, SESAME_EXPORT_FORMAT_HTML);
  g_assert_null (strstr (html, "<b>x"));
  g_assert_nonnull (strstr (html, "&lt;b&gt;x"));
  g_assert_nonnull (strstr (html, "Tom &amp; Jerry"));

  markdown = sesame_migration_write (migration, SESAME_EXPORT_FORMAT_MARKDOWN);
  g_assert_nonnull (strstr (markdown, "\\<b\\>x"));
  g_assert_nonnull (strstr (markdown, "\\| \\*y\\*"));
}

/* Same plans, same output */
static void
test_pure (void)
{
  g_autoptr(SesameMigration) a = seed_migration ("ja");
  g_autoptr(SesameMigration) b = seed_migration ("ja");

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *ta = sesame_migration_write (a, formats[i]);
      g_autofree char *tb = sesame_migration_write (b, formats[i]);

      g_assert_cmpstr (ta, ==, tb);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  catalog = sesame_catalog_load_default (&error);
  g_assert_no_error (error);

  g_test_add_data_func ("/migration/seed/en", "en", test_seed);
  g_test_add_data_func ("/migration/seed/ja", "ja", test_seed);
  g_test_add_func ("/migration/language", test_language);
  g_test_add_func ("/migration/no-host-change", test_no_host_change);
  g_test_add_func ("/migration/same-router", test_same_router);
  g_test_add_func ("/migration/services", test_services);
  g_test_add_func ("/migration/firewall-subnet", test_firewall_subnet);
  g_test_add_func ("/migration/connection", test_connection);
  g_test_add_func ("/migration/invalid", test_invalid);
  g_test_add_func ("/migration/json-contract", test_json_contract);
  g_test_add_data_func ("/migration/formats/en", "en", test_formats);
  g_test_add_data_func ("/migration/formats/ja", "ja", test_formats);
  g_test_add_func ("/migration/html", test_html);
  g_test_add_func ("/migration/escapes", test_markdown_escapes);
  g_test_add_func ("/migration/pure", test_pure);

  status = g_test_run ();
  g_clear_object (&catalog);

  return status;
}
