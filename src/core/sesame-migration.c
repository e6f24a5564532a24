/* sesame-migration.c
 *
 * A migration compares the checklist of the old plan with the checklist of
 * the new one, after a router is replaced: what to set on the new router,
 * what changed, and what to remove from the old router if it stays in use.
 * Like the checklist it is a pure function of the plans and the catalog, in
 * the language asked for, whatever the process locale.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-migration"

#include "config.h"

#include "sesame-address.h"
#include "sesame-checklist-outline.h"
#include "sesame-core-enums.h"
#include "sesame-enum.h"
#include "sesame-migration.h"

struct _SesameMigration
{
  GObject            parent_instance;

  SesameChecklist   *old_checklist;
  SesameChecklist   *new_checklist;
  SesameTranslation *translation;     /* owned by the translation cache */

  char              *title;
  gboolean           same_router;
  gboolean           firewall_changed;
  char              *firewall_note;   /* nullable: NULL when the firewall did not change */

  GPtrArray         *changes;         /* element-type SesameChange */
  GPtrArray         *warnings;        /* element-type SesameWarning, borrowed from new_checklist */
  GPtrArray         *conflicts;       /* element-type SesameConflict, borrowed from new_checklist */
  GPtrArray         *remove_steps;    /* element-type SesameStep */
  GPtrArray         *remove_notes;    /* element-type utf8 */
  GPtrArray         *no_steps;        /* element-type SesameStep: always empty */
};

G_DEFINE_FINAL_TYPE (SesameMigration, sesame_migration, G_TYPE_OBJECT)

static void
change_free (gpointer data)
{
  SesameChange *change = data;

  g_free (change->old_value);
  g_free (change->new_value);
  g_free (change->text);
  g_free (change);
}

static void
sesame_migration_dispose (GObject *object)
{
  SesameMigration *self = (SesameMigration *)object;

  g_clear_object (&self->old_checklist);
  g_clear_object (&self->new_checklist);

  G_OBJECT_CLASS (sesame_migration_parent_class)->dispose (object);
}

static void
sesame_migration_finalize (GObject *object)
{
  SesameMigration *self = (SesameMigration *)object;

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->firewall_note, g_free);
  g_clear_pointer (&self->changes, g_ptr_array_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_clear_pointer (&self->conflicts, g_ptr_array_unref);
  g_clear_pointer (&self->remove_steps, g_ptr_array_unref);
  g_clear_pointer (&self->remove_notes, g_ptr_array_unref);
  g_clear_pointer (&self->no_steps, g_ptr_array_unref);

  G_OBJECT_CLASS (sesame_migration_parent_class)->finalize (object);
}

static void
sesame_migration_class_init (SesameMigrationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sesame_migration_dispose;
  object_class->finalize = sesame_migration_finalize;
}

static void
sesame_migration_init (SesameMigration *self)
{
  self->changes = g_ptr_array_new_with_free_func (change_free);
  self->warnings = g_ptr_array_new ();
  self->conflicts = g_ptr_array_new ();
  self->remove_steps = g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_step_free);
  self->remove_notes = g_ptr_array_new_with_free_func (g_free);
  self->no_steps = g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_step_free);
}

static const char *T (SesameMigration *self,
                      const char      *msgid) G_GNUC_FORMAT (2);

static const char *
T (SesameMigration *self,
   const char      *msgid)
{
  return sesame_translation_gettext (self->translation, msgid);
}

static void
add_change (SesameMigration  *self,
            SesameChangeKind  kind,
            const char       *old_value,
            const char       *new_value,
            char             *text)
{
  SesameChange *change = g_new0 (SesameChange, 1);

  change->kind = kind;
  change->old_value = g_strdup (old_value);
  change->new_value = g_strdup (new_value);
  change->text = text;
  g_ptr_array_add (self->changes, change);
}

static void
add_step (GPtrArray *steps,
          char      *text)
{
  SesameStep *step = g_new0 (SesameStep, 1);

  step->text = text;
  g_ptr_array_add (steps, step);
}

/* The address a plan gives the router, or the router's factory address */
static const char *
router_address (SesameChecklist *checklist)
{
  const char *address = sesame_plan_get_router_address (sesame_checklist_get_plan (checklist));

  return address != NULL ? address : sesame_checklist_get_router (checklist)->lan_address;
}

/* The home network as the checklist's firewall rules name it: "192.168.11.0/24" */
static char *
host_subnet (SesamePlan *plan)
{
  guint32 host = 0;

  if (!sesame_ipv4_parse (sesame_plan_get_host_address (plan), &host))
    return NULL;

  return g_strdup_printf ("%u.%u.%u.0/24", host >> 24, (host >> 16) & 0xff, (host >> 8) & 0xff);
}

static gboolean
host_os_names_subnet (SesameHostOs os)
{
  return os == SESAME_HOST_OS_LINUX_UFW || os == SESAME_HOST_OS_LINUX_FIREWALLD ||
         os == SESAME_HOST_OS_LINUX_NFTABLES;
}

static void
compare_routers (SesameMigration *self)
{
  SesameChecklist *old = self->old_checklist;
  SesameChecklist *new = self->new_checklist;
  const char *old_address = router_address (old);
  const char *new_address = router_address (new);

  if (!g_str_equal (sesame_checklist_get_router (old)->id, sesame_checklist_get_router (new)->id))
    add_change (self, SESAME_CHANGE_ROUTER,
                sesame_checklist_get_router (old)->id, sesame_checklist_get_router (new)->id,
                /* Translators: "The router changed from Buffalo BBR-4MG to Apple AirPort Extreme." */
                g_strdup_printf (T (self, "The router changed from %s to %s."),
                                 sesame_checklist_get_router_name (old), sesame_checklist_get_router_name (new)));

  if (g_strcmp0 (old_address, new_address) != 0)
    add_change (self, SESAME_CHANGE_ROUTER_ADDRESS, old_address, new_address,
                /* Translators: "… changed from 192.168.11.1 to 10.0.1.1." */
                g_strdup_printf (T (self, "The router’s address on the home network changed from %s to %s."),
                                 old_address, new_address));

  self->same_router = !sesame_migration_has_change (self, SESAME_CHANGE_ROUTER) &&
                      !sesame_migration_has_change (self, SESAME_CHANGE_ROUTER_ADDRESS);
}

static void
compare_hosts (SesameMigration *self)
{
  SesamePlan *old = sesame_checklist_get_plan (self->old_checklist);
  SesamePlan *new = sesame_checklist_get_plan (self->new_checklist);
  const char *old_address = sesame_plan_get_host_address (old);
  const char *new_address = sesame_plan_get_host_address (new);
  g_autofree char *old_subnet = host_subnet (old);
  g_autofree char *new_subnet = host_subnet (new);

  if (g_strcmp0 (old_address, new_address) != 0)
    add_change (self, SESAME_CHANGE_HOST_ADDRESS, old_address, new_address,
                /* Translators: "The server’s address changed from 192.168.11.5 to 10.0.1.5: …" */
                g_strdup_printf (T (self, "The server’s address changed from %s to %s: every forwarding row must lead to the new address."),
                                 old_address, new_address));

  if (old_subnet != NULL && new_subnet != NULL && !g_str_equal (old_subnet, new_subnet))
    add_change (self, SESAME_CHANGE_SUBNET, old_subnet, new_subnet,
                /* Translators: "The home network changed from 192.168.11.0/24 to 10.0.1.0/24." */
                g_strdup_printf (T (self, "The home network changed from %s to %s."), old_subnet, new_subnet));
}

static void
compare_pages (SesameMigration *self)
{
  const char *old_page = sesame_checklist_get_router_page (self->old_checklist);
  const char *new_page = sesame_checklist_get_router_page (self->new_checklist);
  const char *old_path = sesame_checklist_get_router_menu_path (self->old_checklist);
  const char *new_path = sesame_checklist_get_router_menu_path (self->new_checklist);

  if (g_strcmp0 (old_page, new_page) != 0)
    add_change (self, SESAME_CHANGE_PAGE, old_page, new_page,
                /* Translators: the names of the routers' port-forwarding pages: "… from “アドレス変換” to “ポートマッピング”." */
                g_strdup_printf (T (self, "The port forwarding page changed from “%s” to “%s”."), old_page, new_page));

  if (g_strcmp0 (old_path, new_path) != 0)
    add_change (self, SESAME_CHANGE_MENU_PATH, old_path, new_path,
                /* Translators: menus: "… from Advanced > Address Translation to AirPort Utility > … > Port Settings." */
                g_strdup_printf (T (self, "The way to that page changed from %s to %s."), old_path, new_path));
}

static void
compare_connection_and_os (SesameMigration *self)
{
  SesamePlan *old = sesame_checklist_get_plan (self->old_checklist);
  SesamePlan *new = sesame_checklist_get_plan (self->new_checklist);

  if (sesame_plan_get_connection (old) != sesame_plan_get_connection (new))
    {
      const char *old_label = sesame_checklist_get_connection_label (self->old_checklist);
      const char *new_label = sesame_checklist_get_connection_label (self->new_checklist);

      add_change (self, SESAME_CHANGE_CONNECTION,
                  sesame_connection_to_string (sesame_plan_get_connection (old)),
                  sesame_connection_to_string (sesame_plan_get_connection (new)),
                  /* Translators: "The internet connection changed from PPPoE to IPv4 over IPv6 (MAP-E)." */
                  g_strdup_printf (T (self, "The internet connection changed from %s to %s."), old_label, new_label));
    }

  if (sesame_plan_get_host_os (old) != sesame_plan_get_host_os (new))
    {
      const char *old_label = sesame_checklist_get_host_os_label (self->old_checklist);
      const char *new_label = sesame_checklist_get_host_os_label (self->new_checklist);

      add_change (self, SESAME_CHANGE_HOST_OS,
                  sesame_host_os_to_string (sesame_plan_get_host_os (old)),
                  sesame_host_os_to_string (sesame_plan_get_host_os (new)),
                  /* Translators: "The server’s system changed from macOS to Linux with ufw, …" */
                  g_strdup_printf (T (self, "The server’s system changed from %s to %s, so its firewall is set up differently."),
                                   old_label, new_label));
    }
}

static gboolean
same_rule (const SesameCustomRule *a,
           const SesameCustomRule *b)
{
  return g_str_equal (a->name, b->name) && a->protocol == b->protocol &&
         sesame_port_range_compare (&a->external, &b->external) == 0 &&
         sesame_port_range_compare (&a->internal, &b->internal) == 0;
}

static gboolean
has_rule (GPtrArray              *rules,
          const SesameCustomRule *rule)
{
  for (guint i = 0; i < rules->len; i++)
    {
      if (same_rule (g_ptr_array_index (rules, i), rule))
        return TRUE;
    }

  return FALSE;
}

/* "Game server (UDP 27015-27016)": the ports tell a changed rule from the one before */
static char *
describe_rule (SesameMigration        *self,
               const SesameCustomRule *rule)
{
  g_autofree char *ports = sesame_port_range_to_string (&rule->external);
  const char *protocol;

  switch (rule->protocol)
    {
    case SESAME_RULE_PROTOCOL_TCP: protocol = sesame_protocol_label (SESAME_PROTOCOL_TCP); break;
    case SESAME_RULE_PROTOCOL_UDP: protocol = sesame_protocol_label (SESAME_PROTOCOL_UDP); break;
    case SESAME_RULE_PROTOCOL_BOTH:
    default: protocol = "TCP/UDP"; break;
    }

  /* Translators: a custom rule, its protocol and its ports: "Game server (UDP 27015-27016)" */
  return g_strdup_printf (TC_ (self->translation, "custom rule", "%s (%s %s)"), rule->name, protocol, ports);
}

static void
add_service_change (SesameMigration *self,
                    SesameCatalog   *catalog,
                    const char      *id,
                    gboolean         added)
{
  const SesameService *service = sesame_catalog_lookup_service (catalog, id);
  const char *name = service != NULL ? T (self, service->name) : id;

  if (added)
    add_change (self, SESAME_CHANGE_PORTS_ADDED, NULL, id,
                /* Translators: a service: "Website (HTTP) was added to the plan." */
                g_strdup_printf (T (self, "%s was added to the plan."), name));
  else
    add_change (self, SESAME_CHANGE_PORTS_REMOVED, id, NULL,
                /* Translators: a service: "Website (HTTP) was removed from the plan: …" */
                g_strdup_printf (T (self, "%s was removed from the plan: its ports are no longer forwarded."), name));
}

static void
add_rule_change (SesameMigration        *self,
                 const SesameCustomRule *rule,
                 gboolean                added)
{
  g_autofree char *id = g_strconcat ("custom:", rule->name, NULL);
  g_autofree char *name = describe_rule (self, rule);

  if (added)
    add_change (self, SESAME_CHANGE_PORTS_ADDED, NULL, id,
                g_strdup_printf (T (self, "%s was added to the plan."), name));
  else
    add_change (self, SESAME_CHANGE_PORTS_REMOVED, id, NULL,
                g_strdup_printf (T (self, "%s was removed from the plan: its ports are no longer forwarded."), name));
}

static void
compare_services (SesameMigration *self,
                  SesameCatalog   *catalog)
{
  SesamePlan *old = sesame_checklist_get_plan (self->old_checklist);
  SesamePlan *new = sesame_checklist_get_plan (self->new_checklist);
  const char * const *old_services = sesame_plan_get_services (old);
  const char * const *new_services = sesame_plan_get_services (new);
  GPtrArray *old_rules = sesame_plan_get_custom_rules (old);
  GPtrArray *new_rules = sesame_plan_get_custom_rules (new);

  for (guint i = 0; new_services[i] != NULL; i++)
    {
      if (!sesame_plan_has_service (old, new_services[i]))
        add_service_change (self, catalog, new_services[i], TRUE);
    }

  for (guint i = 0; i < new_rules->len; i++)
    {
      const SesameCustomRule *rule = g_ptr_array_index (new_rules, i);

      if (!has_rule (old_rules, rule))
        add_rule_change (self, rule, TRUE);
    }

  for (guint i = 0; old_services[i] != NULL; i++)
    {
      if (!sesame_plan_has_service (new, old_services[i]))
        add_service_change (self, catalog, old_services[i], FALSE);
    }

  for (guint i = 0; i < old_rules->len; i++)
    {
      const SesameCustomRule *rule = g_ptr_array_index (old_rules, i);

      if (!has_rule (new_rules, rule))
        add_rule_change (self, rule, FALSE);
    }
}

/* The same row on both routers: the same protocol and ports. A router that
 * takes one port per entry lists a range port by port, so a port of a range
 * counts as the same row. */
static const SesameForward *
find_matching_forward (GPtrArray           *forwards,
                       const SesameForward *forward)
{
  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *other = g_ptr_array_index (forwards, i);

      if (other->protocol == forward->protocol &&
          sesame_port_range_overlaps (&other->external, &forward->external) &&
          (int) other->internal.first - (int) other->external.first ==
          (int) forward->internal.first - (int) forward->external.first)
        return other;
    }

  return NULL;
}

static void
compare_forwards (SesameMigration *self)
{
  GPtrArray *old_forwards = sesame_checklist_get_forwards (self->old_checklist);
  GPtrArray *new_forwards = sesame_checklist_get_forwards (self->new_checklist);
  g_autoptr(GPtrArray) ports = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *list = NULL;
  const char *old_address = NULL;
  const char *new_address = NULL;

  for (guint i = 0; i < new_forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (new_forwards, i);
      const SesameForward *old = find_matching_forward (old_forwards, forward);
      g_autofree char *range = NULL;

      if (old == NULL || g_str_equal (old->internal_address, forward->internal_address))
        continue;

      /* Every row of a plan leads to the plan's one server */
      old_address = old->internal_address;
      new_address = forward->internal_address;
      range = sesame_port_range_to_string (&forward->external);
      g_ptr_array_add (ports, g_strdup_printf ("%s %s",
                                               sesame_checklist_format_protocol (self->new_checklist, forward->protocol),
                                               range));
    }

  if (ports->len == 0)
    return;

  list = sesame_checklist_join_names (self->new_checklist, ports);
  add_change (self, SESAME_CHANGE_FORWARD_ADDRESS, old_address, new_address,
              g_strdup_printf (TN_ (self->translation,
                                    /* Translators: "11 forwarding rows now lead to 10.0.1.5 instead of 192.168.11.5: TCP 22, TCP 80 and UDP 27015-27016." */
                                    "%u forwarding row now leads to %s instead of %s: %s.",
                                    "%u forwarding rows now lead to %s instead of %s: %s.",
                                    ports->len),
                               ports->len, new_address, old_address, list));
}

/* What is new in the new checklist's warnings: the person has read the rest */
static void
collect_new_warnings (SesameMigration *self)
{
  GPtrArray *old_warnings = sesame_checklist_get_warnings (self->old_checklist);
  GPtrArray *new_warnings = sesame_checklist_get_warnings (self->new_checklist);
  GPtrArray *old_conflicts = sesame_checklist_get_conflicts (self->old_checklist);
  GPtrArray *new_conflicts = sesame_checklist_get_conflicts (self->new_checklist);

  for (guint i = 0; i < new_warnings->len; i++)
    {
      SesameWarning *warning = g_ptr_array_index (new_warnings, i);
      gboolean seen = FALSE;

      for (guint j = 0; j < old_warnings->len && !seen; j++)
        seen = g_str_equal (((SesameWarning *)g_ptr_array_index (old_warnings, j))->text, warning->text);

      if (!seen)
        g_ptr_array_add (self->warnings, warning);
    }

  for (guint i = 0; i < new_conflicts->len; i++)
    {
      SesameConflict *conflict = g_ptr_array_index (new_conflicts, i);
      gboolean seen = FALSE;

      for (guint j = 0; j < old_conflicts->len && !seen; j++)
        seen = g_str_equal (((SesameConflict *)g_ptr_array_index (old_conflicts, j))->text, conflict->text);

      if (!seen)
        g_ptr_array_add (self->conflicts, conflict);
    }
}

static void
build_removal (SesameMigration *self)
{
  SesameChecklist *old = self->old_checklist;
  const char *old_host = sesame_plan_get_host_address (sesame_checklist_get_plan (old));
  const char *admin_url = sesame_checklist_get_admin_url (old);

  if (sesame_checklist_get_forwards (old)->len == 0)
    return;

  if (self->same_router)
    g_ptr_array_add (self->remove_notes,
                     g_strdup (T (self, "The router is the same: delete these old entries before you add the new rows, because a router forwards a port to one place only.")));
  else
    {
      g_ptr_array_add (self->remove_notes,
                       /* Translators: the server's old address: "… with ports open to 192.168.11.5 …" */
                       g_strdup_printf (T (self, "If the old router stays in use, delete these entries from it: a second router with ports open to %s is a way in that nobody watches any more, and another device may get that address later."),
                                        old_host));
      g_ptr_array_add (self->remove_notes,
                       /* Translators: the name of the finding in the network check, “Double NAT” */
                       g_strdup_printf (T (self, "If the old router stays between the new one and the internet, for example as the modem, that is double NAT: the rows on the new router alone do not make the services reachable from the internet. Sesame’s network check detects this (“%s”) and explains what to do."),
                                        TC_ (self->translation, "finding", "Double NAT")));
    }

  if (admin_url != NULL)
    add_step (self->remove_steps,
              g_strdup_printf (T (self, "Open %s in a web browser on a computer at home and sign in as the administrator."),
                               admin_url));
  else
    add_step (self->remove_steps,
              g_strdup (T (self, "This router is set up with its own app, not a web page: open the app on a computer or phone at home.")));

  add_step (self->remove_steps,
            g_strdup_printf (T (self, "Go to %s (the page “%s”)."),
                             sesame_checklist_get_router_menu_path (old), sesame_checklist_get_router_page (old)));
  add_step (self->remove_steps,
            /* Translators: the server's old address */
            g_strdup_printf (T (self, "Delete each entry of the table below that leads to %s, then save the settings."),
                             old_host));
}

static void
build_firewall (SesameMigration *self)
{
  SesameHostOs old_os = sesame_plan_get_host_os (sesame_checklist_get_plan (self->old_checklist));
  const SesameChange *subnet = NULL;

  self->firewall_changed = sesame_migration_has_change (self, SESAME_CHANGE_HOST_OS) ||
                           sesame_migration_has_change (self, SESAME_CHANGE_HOST_ADDRESS);
  if (!self->firewall_changed)
    return;

  for (guint i = 0; i < self->changes->len; i++)
    {
      const SesameChange *change = g_ptr_array_index (self->changes, i);

      if (change->kind == SESAME_CHANGE_SUBNET)
        subnet = change;
    }

  if (subnet != NULL && host_os_names_subnet (old_os) &&
      !sesame_migration_has_change (self, SESAME_CHANGE_HOST_OS))
    /* Translators: home networks: "… the old home network (192.168.11.0/24) … for 10.0.1.0/24." */
    self->firewall_note = g_strdup_printf (T (self, "Rules that allowed only the old home network (%s) no longer match: delete them, and add the rules below for %s."),
                                           subnet->old_value, subnet->new_value);
  else
    self->firewall_note = g_strdup (T (self, "The server’s address or system changed: check its firewall against these steps."));
}

/**
 * sesame_migration_new:
 * @old_plan: the plan for the router being replaced
 * @new_plan: the plan for the new router
 * @catalog: the catalog both refer to
 * @language: (nullable): "en" or "ja"; %NULL for the new plan's language, or
 *   the person's preferred one
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the migration, or %NULL if a plan does not validate
 */
SesameMigration *
sesame_migration_new (SesamePlan     *old_plan,
                      SesamePlan     *new_plan,
                      SesameCatalog  *catalog,
                      const char     *language,
                      GError        **error)
{
  g_autoptr(SesameMigration) self = NULL;
  const char *host_name;

  g_return_val_if_fail (SESAME_IS_PLAN (old_plan), NULL);
  g_return_val_if_fail (SESAME_IS_PLAN (new_plan), NULL);
  g_return_val_if_fail (SESAME_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (SESAME_TYPE_MIGRATION, NULL);

  if (!(self->new_checklist = sesame_checklist_new (new_plan, catalog, language, error)))
    return NULL;

  /* Both in one language: the new plan's, unless one is asked for */
  language = sesame_checklist_get_language (self->new_checklist);
  if (!(self->old_checklist = sesame_checklist_new (old_plan, catalog, language, error)))
    return NULL;

  self->translation = sesame_checklist_get_translation (self->new_checklist);

  host_name = sesame_plan_get_host_name (new_plan);
  /* Translators: the server's name and new address: "Router change checklist for Mac mini (10.0.1.5)" */
  self->title = g_strdup_printf (T (self, "Router change checklist for %s (%s)"),
                                 host_name ? host_name : T (self, "the server"),
                                 sesame_plan_get_host_address (new_plan));

  compare_routers (self);
  compare_hosts (self);
  compare_pages (self);
  compare_connection_and_os (self);
  compare_services (self, catalog);
  compare_forwards (self);
  collect_new_warnings (self);
  build_removal (self);
  build_firewall (self);

  return g_steal_pointer (&self);
}

SesameChecklist *
sesame_migration_get_old_checklist (SesameMigration *self)
{
  g_return_val_if_fail (SESAME_IS_MIGRATION (self), NULL);
  return self->old_checklist;
}

SesameChecklist *
sesame_migration_get_new_checklist (SesameMigration *self)
{
  g_return_val_if_fail (SESAME_IS_MIGRATION (self), NULL);
  return self->new_checklist;
}

SesameTranslation *
sesame_migration_get_translation (SesameMigration *self)
{
  g_return_val_if_fail (SESAME_IS_MIGRATION (self), NULL);
  return self->translation;
}

const char *
sesame_migration_get_language (SesameMigration *self)
{
  g_return_val_if_fail (SESAME_IS_MIGRATION (self), NULL);
  return sesame_translation_get_language (self->translation);
}

const char *
sesame_migration_get_title (SesameMigration *self)
{
  g_return_val_if_fail (SESAME_IS_MIGRATION (self), NULL);
  return self->title;
}

/**
 * sesame_migration_is_same_router:
 *
 * Returns: %TRUE when both plans name the same router at the same address:
 *   the old entries are then on the router being set up, and go first
 */
gboolean
sesame_migration_is_same_router (SesameMigration *self)
{
  g_return_val_if_fail (SESAME_IS_MIGRATION (self), FALSE);
  return self->same_router;
}

/**
 * sesame_migration_get_changes:
 *
 * Returns: (transfer none) (element-type SesameChange): what differs between
 *   the plans, in the order router, addresses, page, connection, system,
 *   services and rules, forwarding rows
 */
GPtrArray *
sesame_migration_get_changes (SesameMigration *self)
{
  g_return_val_if_fail (SESAME_IS_MIGRATION (self), NULL);
  return self->changes;
}

gboolean
sesame_migration_has_change (SesameMigration  *self,
                             SesameChangeKind  kind)
{
  g_return_val_if_fail (SESAME_IS_MIGRATION (self), FALSE);

  for (guint i = 0; i < self->changes->len; i++)
    {
      const SesameChange *change = g_ptr_array_index (self->changes, i);

      if (change->kind == kind)
        return TRUE;
    }

  return FALSE;
}

/**
 * sesame_migration_get_warnings:
 *
 * Returns: (transfer none) (element-type SesameWarning): the new checklist's
 *   warnings that the old one did not have
 */
GPtrArray *
sesame_migration_get_warnings (SesameMigration *self)
{
  g_return_val_if_fail (SESAME_IS_MIGRATION (self), NULL);
  return self->warnings;
}

/**
 * sesame_migration_get_conflicts:
 *
 * Returns: (transfer none) (element-type SesameConflict): the new checklist's
 *   conflicts that the old one did not have
 */
GPtrArray *
sesame_migration_get_conflicts (SesameMigration *self)
{
  g_return_val_if_fail (SESAME_IS_MIGRATION (self), NULL);
  return self->conflicts;
}

/**
 * sesame_migration_get_add_forwards:
 *
 * Returns: (transfer none) (element-type SesameForward): the rows to enter on
 *   the new router, as its checklist gives them
 */
GPtrArray *
sesame_migration_get_add_forwards (SesameMigration *self)
{
  g_return_val_if_fail (SESAME_IS_MIGRATION (self), NULL);
  return sesame_checklist_get_forwards (self->new_checklist);
}

/**
 * sesame_migration_get_new_router_steps:
 *
 * Returns: (transfer none) (element-type SesameStep): how to enter the rows
 *   on the new router
 */
GPtrArray *
sesame_migration_get_new_router_steps (SesameMigration *self)
{
  g_return_val_if_fail (SESAME_IS_MIGRATION (self), NULL);
  return sesame_checklist_get_router_steps (self->new_checklist);
}

/**
 * sesame_migration_get_remove_forwards:
 *
 * Returns: (transfer none) (element-type SesameForward): the rows entered on
 *   the old router, leading to the server's old address
 */
GPtrArray *
sesame_migration_get_remove_forwards (SesameMigration *self)
{
  g_return_val_if_fail (SESAME_IS_MIGRATION (self), NULL);
  return sesame_checklist_get_forwards (self->old_checklist);
}

/**
 * sesame_migration_get_remove_steps:
 *
 * Returns: (transfer none) (element-type SesameStep): how to delete the old
 *   rows on the old router; empty when there is nothing to delete
 */
GPtrArray *
sesame_migration_get_remove_steps (SesameMigration *self)
{
  g_return_val_if_fail (SESAME_IS_MIGRATION (self), NULL);
  return self->remove_steps;
}

/**
 * sesame_migration_get_remove_notes:
 *
 * Returns: (transfer none) (element-type utf8): why the old rows must go;
 *   empty when there is nothing to delete
 */
GPtrArray *
sesame_migration_get_remove_notes (SesameMigration *self)
{
  g_return_val_if_fail (SESAME_IS_MIGRATION (self), NULL);
  return self->remove_notes;
}

gboolean
sesame_migration_get_firewall_changed (SesameMigration *self)
{
  g_return_val_if_fail (SESAME_IS_MIGRATION (self), FALSE);
  return self->firewall_changed;
}

/**
 * sesame_migration_get_firewall_note:
 *
 * Returns: (nullable): what to do with the firewall rules set up before;
 *   %NULL when neither the server's address nor its system changed
 */
const char *
sesame_migration_get_firewall_note (SesameMigration *self)
{
  g_return_val_if_fail (SESAME_IS_MIGRATION (self), NULL);
  return self->firewall_note;
}

/**
 * sesame_migration_get_firewall_steps:
 *
 * Returns: (transfer none) (element-type SesameStep): the new checklist's
 *   firewall steps when the server's address or system changed, else empty
 */
GPtrArray *
sesame_migration_get_firewall_steps (SesameMigration *self)
{
  g_return_val_if_fail (SESAME_IS_MIGRATION (self), NULL);

  if (!self->firewall_changed)
    return self->no_steps;

  return sesame_checklist_get_firewall_steps (self->new_checklist);
}

SESAME_DEFINE_ENUM_STRINGS (SesameChangeKind, sesame_change_kind, SESAME_TYPE_CHANGE_KIND)

/* The rows the old router still has, and how to delete them */
static void
add_removal (SesameOutline   *outline,
             SesameMigration *self)
{
  GPtrArray *notes = sesame_migration_get_remove_notes (self);
  SesameSection *section;

  if (sesame_migration_get_remove_forwards (self)->len == 0)
    return;

  section = sesame_outline_add_section (outline, SESAME_SECTION_STEPS,
                                        sesame_migration_is_same_router (self)
                                          ? T_ (self->translation, "Delete the old entries first")
                                          : T_ (self->translation, "Remove from the old router if it stays in use"),
                                        TRUE);
  for (guint i = 0; i < notes->len; i++)
    g_ptr_array_add (section->paragraphs, g_strdup (g_ptr_array_index (notes, i)));
  section->steps = sesame_migration_get_remove_steps (self);
  section->forwards = sesame_migration_get_remove_forwards (self);
  section->rows_role = SESAME_ROWS_REMOVE;
}

/**
 * sesame_migration_build_outline:
 * @self: a migration
 *
 * The router change checklist's title, header and sections, in the order
 * every writer and the checklist page show them: "Read this first", what
 * changed, the new router's settings and the old entries to delete
 * (before them on the same router), the host's firewall
 * when it changes, and how to check that it works.
 *
 * Returns: (transfer full): the outline, pointing into @self
 */
SesameOutline *
sesame_migration_build_outline (SesameMigration *self)
{
  SesameChecklist *checklist;
  SesameOutline *outline;
  SesameSection *section;
  g_autofree char *server = NULL;

  g_return_val_if_fail (SESAME_IS_MIGRATION (self), NULL);

  checklist = self->new_checklist;
  server = sesame_checklist_get_server_label (checklist);
  outline = sesame_outline_new (self->title);

  sesame_outline_add_header_line (outline, TC_ (self->translation, "checklist header", "Router"),
                                  sesame_checklist_get_router_name (checklist));
  /* Translators: the router being replaced, in the header of the router change checklist */
  if (!sesame_migration_is_same_router (self))
    sesame_outline_add_header_line (outline, TC_ (self->translation, "checklist header", "Old router"),
                                    sesame_checklist_get_router_name (self->old_checklist));
  sesame_outline_add_header_line (outline, TC_ (self->translation, "checklist header", "Connection"),
                                  sesame_checklist_get_connection_label (checklist));
  sesame_outline_add_header_line (outline, TC_ (self->translation, "checklist header", "Server"), server);

  sesame_outline_add_warnings (outline, checklist, self->warnings, self->conflicts);

  section = sesame_outline_add_section (outline, SESAME_SECTION_CHANGES,
                                        T_ (self->translation, "What changed"), TRUE);
  section->items = self->changes;
  section->empty_text = T_ (self->translation, "Nothing changed that affects port forwarding.");

  /* The same router still has the old entries: they go before the new
   * rows, since a router forwards a port to one place */
  if (sesame_migration_is_same_router (self))
    add_removal (outline, self);
  sesame_outline_add_router (outline, checklist, sesame_migration_get_new_router_steps (self),
                             sesame_migration_get_add_forwards (self), SESAME_ROWS_ADD);
  if (!sesame_migration_is_same_router (self))
    add_removal (outline, self);

  if (self->firewall_changed)
    {
      section = sesame_outline_add_section (outline, SESAME_SECTION_STEPS,
                                            sesame_checklist_get_firewall_title (checklist), TRUE);
      g_ptr_array_add (section->paragraphs, g_strdup (sesame_migration_get_firewall_note (self)));
      section->steps = sesame_migration_get_firewall_steps (self);
    }

  sesame_outline_add_verify (outline, checklist);

  return outline;
}
