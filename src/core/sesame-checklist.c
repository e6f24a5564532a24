/* sesame-checklist.c
 *
 * The checklist is a pure function of the plan and the catalog: the same
 * answers always give the same rows, steps and warnings, in the language
 * asked for, whatever the process locale.
 *
 * Over 1,000 lines because every row, step and warning is decided from the
 * same plan and catalog facts (the merged ranges, the router, the host's
 * system); the outline (sesame-checklist-outline.c) and the writers are
 * already apart.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-checklist"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sesame-address.h"
#include "sesame-core-enums.h"
#include "sesame-enum.h"
#include "sesame-checklist.h"
#include "sesame-portset.h"
#include "sesame-shell-quote.h"

/* A router that takes one port per entry gets ranges up to this size port by port */
#define MAX_EXPANDED_RANGE 100

struct _SesameChecklist
{
  GObject             parent_instance;

  SesamePlan         *plan;
  SesameCatalog      *catalog;
  SesameTranslation  *translation;     /* owned by the translation cache */
  const SesameRouter *router;

  char               *title;
  char               *router_name;
  char               *router_page;
  char               *router_menu_path;
  char               *admin_url;       /* nullable: set up with an app */
  char               *firewall_title;
  char               *lan_subnet;

  GPtrArray          *router_steps;    /* element-type SesameStep */
  GPtrArray          *forwards;        /* element-type SesameForward */
  GPtrArray          *lan_only;        /* element-type SesamePortGroup */
  GPtrArray          *outbound_only;   /* element-type SesamePortGroup */
  GPtrArray          *not_forwarded;   /* element-type SesamePortGroup */
  GPtrArray          *firewall_steps;  /* element-type SesameStep */
  GPtrArray          *verify_steps;    /* element-type SesameStep */
  GPtrArray          *warnings;        /* element-type SesameWarning */
  GPtrArray          *conflicts;       /* element-type SesameConflict */
  GPtrArray          *findings;        /* nullable, element-type SesameFinding: without probe results, none */
  GPtrArray          *plan_findings;   /* element-type SesameFinding: what the plan alone says (MAP-E, DS-Lite) */
  SesamePortset      *portset;         /* nullable: the MAP-E port set of the plan's IPv6 prefix */
  char               *ipv6_address;    /* nullable: the server's stable global IPv6 address */
  GPtrArray          *ipv6_steps;      /* nullable, element-type SesameStep: "Reach it over IPv6" */
};

G_DEFINE_FINAL_TYPE (SesameChecklist, sesame_checklist, G_TYPE_OBJECT)

/* A port some service needs, before merging */
typedef struct
{
  SesameProtocol   protocol;
  SesamePortRange  external;
  SesamePortRange  internal;
  const char      *id;
  const char      *name;
} Item;

static void
forward_free (gpointer data)
{
  SesameForward *forward = data;

  g_free (forward->internal_address);
  g_ptr_array_unref (forward->services);
  g_ptr_array_unref (forward->names);
  g_free (forward);
}

static void
port_group_free (gpointer data)
{
  SesamePortGroup *group = data;

  g_ptr_array_unref (group->services);
  g_ptr_array_unref (group->names);
  g_free (group);
}

void
sesame_step_free (SesameStep *step)
{
  if (step == NULL)
    return;

  g_free (step->text);
  g_free (step->command);
  g_free (step);
}

static void
warning_free (gpointer data)
{
  SesameWarning *warning = data;

  g_ptr_array_unref (warning->services);
  g_free (warning->text);
  g_free (warning->advice);
  g_free (warning);
}

static void
conflict_free (gpointer data)
{
  SesameConflict *conflict = data;

  g_ptr_array_unref (conflict->services);
  g_free (conflict->text);
  g_free (conflict);
}

static void
sesame_checklist_finalize (GObject *object)
{
  SesameChecklist *self = (SesameChecklist *)object;

  g_clear_object (&self->plan);
  g_clear_object (&self->catalog);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->router_name, g_free);
  g_clear_pointer (&self->router_page, g_free);
  g_clear_pointer (&self->router_menu_path, g_free);
  g_clear_pointer (&self->admin_url, g_free);
  g_clear_pointer (&self->firewall_title, g_free);
  g_clear_pointer (&self->lan_subnet, g_free);
  g_clear_pointer (&self->router_steps, g_ptr_array_unref);
  g_clear_pointer (&self->forwards, g_ptr_array_unref);
  g_clear_pointer (&self->plan_findings, g_ptr_array_unref);
  g_clear_pointer (&self->portset, sesame_portset_free);
  g_clear_pointer (&self->ipv6_address, g_free);
  g_clear_pointer (&self->ipv6_steps, g_ptr_array_unref);
  g_clear_pointer (&self->lan_only, g_ptr_array_unref);
  g_clear_pointer (&self->outbound_only, g_ptr_array_unref);
  g_clear_pointer (&self->not_forwarded, g_ptr_array_unref);
  g_clear_pointer (&self->firewall_steps, g_ptr_array_unref);
  g_clear_pointer (&self->verify_steps, g_ptr_array_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_clear_pointer (&self->conflicts, g_ptr_array_unref);
  g_clear_pointer (&self->findings, g_ptr_array_unref);

  G_OBJECT_CLASS (sesame_checklist_parent_class)->finalize (object);
}

static void
sesame_checklist_class_init (SesameChecklistClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sesame_checklist_finalize;
}

static void
sesame_checklist_init (SesameChecklist *self)
{
  self->router_steps = g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_step_free);
  self->forwards = g_ptr_array_new_with_free_func (forward_free);
  self->plan_findings = g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_finding_free);
  self->lan_only = g_ptr_array_new_with_free_func (port_group_free);
  self->outbound_only = g_ptr_array_new_with_free_func (port_group_free);
  self->not_forwarded = g_ptr_array_new_with_free_func (port_group_free);
  self->firewall_steps = g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_step_free);
  self->verify_steps = g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_step_free);
  self->warnings = g_ptr_array_new_with_free_func (warning_free);
  self->conflicts = g_ptr_array_new_with_free_func (conflict_free);
}

static GPtrArray *
str_array_new (void)
{
  return g_ptr_array_new_null_terminated (2, g_free, TRUE);
}

static void
str_array_add_unique (GPtrArray  *array,
                      const char *value)
{
  if (!g_ptr_array_find_with_equal_func (array, value, g_str_equal, NULL))
    g_ptr_array_add (array, g_strdup (value));
}

static void
str_array_extend_unique (GPtrArray *array,
                         GPtrArray *other)
{
  for (guint i = 0; i < other->len; i++)
    str_array_add_unique (array, g_ptr_array_index (other, i));
}

static void
add_step (GPtrArray  *steps,
          char       *text,
          const char *command)
{
  SesameStep *step = g_new0 (SesameStep, 1);

  step->text = text;
  step->command = g_strdup (command);
  g_ptr_array_add (steps, step);
}

static SesameWarning *
add_warning (SesameChecklist *self,
             SesameSeverity   severity,
             char            *text,
             char            *advice)
{
  SesameWarning *warning = g_new0 (SesameWarning, 1);

  warning->services = str_array_new ();
  warning->severity = severity;
  warning->text = text;
  warning->advice = advice;
  g_ptr_array_add (self->warnings, warning);

  return warning;
}

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  const Item *ia = a;
  const Item *ib = b;
  int cmp;

  if (ia->protocol != ib->protocol)
    return ia->protocol < ib->protocol ? -1 : 1;
  if ((cmp = sesame_port_range_compare (&ia->external, &ib->external)))
    return cmp;
  return sesame_port_range_compare (&ia->internal, &ib->internal);
}

static int
item_offset (const Item *item)
{
  return (int) item->internal.first - (int) item->external.first;
}

static const char *T (SesameChecklist *self,
                      const char      *msgid) G_GNUC_FORMAT (2);

static const char *
T (SesameChecklist *self,
   const char      *msgid)
{
  return sesame_translation_gettext (self->translation, msgid);
}

char *
sesame_checklist_format_ports (SesameChecklist       *self,
                               const SesamePortRange *range)
{
  g_return_val_if_fail (range != NULL, NULL);

  return sesame_port_range_to_string (range);
}

const char *
sesame_checklist_format_protocol (SesameChecklist *self,
                                  SesameProtocol   protocol)
{
  return sesame_protocol_label (protocol);
}

/* "A, B and C" in the checklist's language */
char *
sesame_checklist_join_names (SesameChecklist *self,
                             GPtrArray       *names)
{
  GString *str = g_string_new (NULL);

  g_return_val_if_fail (SESAME_IS_CHECKLIST (self), NULL);

  for (guint i = 0; i < names->len; i++)
    {
      if (i > 0)
        {
          if (i + 1 == names->len)
            /* Translators: between the last two names of a list, "A, B and C" */
            g_string_append (str, TC_ (self->translation, "list", " and "));
          else
            /* Translators: between names of a list, "A, B and C" */
            g_string_append (str, TC_ (self->translation, "list", ", "));
        }
      g_string_append (str, g_ptr_array_index (names, i));
    }

  return g_string_free (str, FALSE);
}

static char *
describe_port (SesameChecklist       *self,
               SesameProtocol         protocol,
               const SesamePortRange *range)
{
  g_autofree char *ports = sesame_port_range_to_string (range);

  return g_strdup_printf ("%s %s", sesame_checklist_format_protocol (self, protocol), ports);
}

static void
add_conflict (SesameChecklist       *self,
              SesameProtocol         protocol,
              const SesamePortRange *ports,
              GPtrArray             *services,
              const char            *extra_service,
              char                  *text)
{
  SesameConflict *conflict = g_new0 (SesameConflict, 1);

  conflict->protocol = protocol;
  conflict->ports = *ports;
  conflict->services = str_array_new ();
  str_array_extend_unique (conflict->services, services);
  if (extra_service != NULL)
    str_array_add_unique (conflict->services, extra_service);
  conflict->text = text;
  g_ptr_array_add (self->conflicts, conflict);
}

/* Ranges of one protocol that overlap, or touch when @join_adjacent, become
 * one row as long as they lead to the same internal ports. Two services that
 * need the same external port for different internal ports are a conflict:
 * a router forwards a port to one place only. */
static void
merge_forwards (SesameChecklist *self,
                GArray          *items,
                gboolean         join_adjacent,
                const char      *address)
{
  SesameForward *last = NULL;
  int last_offset = 0;

  g_array_sort (items, compare_items);

  for (guint i = 0; i < items->len; i++)
    {
      const Item *item = &g_array_index (items, Item, i);
      gboolean same_protocol = last != NULL && last->protocol == item->protocol;

      if (same_protocol && sesame_port_range_overlaps (&last->external, &item->external) &&
          last_offset != item_offset (item))
        {
          g_autofree char *port = describe_port (self, item->protocol, &item->external);
          g_autofree char *names = sesame_checklist_join_names (self, last->names);
          g_autofree char *internal = sesame_port_range_to_string (&item->internal);
          g_autofree char *last_internal = sesame_port_range_to_string (&last->internal);

          add_conflict (self, item->protocol, &item->external, last->services, item->id,
                        /* Translators: "TCP 22 leads to port 22 for SSH, but to port 2222 for My server." */
                        g_strdup_printf (T (self, "%s leads to port %s for %s, but to port %s for %s. A router forwards a port to one place only: give one of them another external port."),
                                         port, last_internal, names, internal, item->name));
          continue;
        }

      if (same_protocol && last_offset == item_offset (item) &&
          (join_adjacent ? sesame_port_range_touches (&last->external, &item->external)
                         : sesame_port_range_overlaps (&last->external, &item->external)))
        {
          last->external.last = MAX (last->external.last, item->external.last);
          last->internal.last = (guint16) (last->external.last + last_offset);
        }
      else
        {
          last = g_new0 (SesameForward, 1);
          last->protocol = item->protocol;
          last->external = item->external;
          last->internal = item->internal;
          last->internal_address = g_strdup (address);
          last->services = str_array_new ();
          last->names = str_array_new ();
          last_offset = item_offset (item);
          g_ptr_array_add (self->forwards, last);
        }

      str_array_add_unique (last->services, item->id);
      str_array_add_unique (last->names, item->name);
    }
}

/* For routers known to take one port per entry */
static void
expand_forwards (SesameChecklist *self)
{
  g_autoptr(GPtrArray) expanded = g_ptr_array_new_with_free_func (forward_free);

  for (guint i = 0; i < self->forwards->len; i++)
    {
      SesameForward *forward = g_ptr_array_index (self->forwards, i);
      guint count = sesame_port_range_count (&forward->external);

      if (count == 1 || count > MAX_EXPANDED_RANGE)
        {
          g_ptr_array_add (expanded, g_ptr_array_steal_index (self->forwards, i--));
          continue;
        }

      for (guint n = 0; n < count; n++)
        {
          SesameForward *single = g_new0 (SesameForward, 1);

          single->protocol = forward->protocol;
          single->external.first = single->external.last = (guint16) (forward->external.first + n);
          single->internal.first = single->internal.last = (guint16) (forward->internal.first + n);
          single->internal_address = g_strdup (forward->internal_address);
          single->services = str_array_new ();
          single->names = str_array_new ();
          str_array_extend_unique (single->services, forward->services);
          str_array_extend_unique (single->names, forward->names);
          g_ptr_array_add (expanded, single);
        }
    }

  g_ptr_array_unref (self->forwards);
  self->forwards = g_steal_pointer (&expanded);
}

static void
merge_groups (GArray    *items,
              GPtrArray *groups)
{
  SesamePortGroup *last = NULL;

  g_array_sort (items, compare_items);

  for (guint i = 0; i < items->len; i++)
    {
      const Item *item = &g_array_index (items, Item, i);

      if (last != NULL && last->protocol == item->protocol &&
          sesame_port_range_touches (&last->ports, &item->external))
        last->ports.last = MAX (last->ports.last, item->external.last);
      else
        {
          last = g_new0 (SesamePortGroup, 1);
          last->protocol = item->protocol;
          last->ports = item->external;
          last->services = str_array_new ();
          last->names = str_array_new ();
          g_ptr_array_add (groups, last);
        }

      str_array_add_unique (last->services, item->id);
      str_array_add_unique (last->names, item->name);
    }
}

/* A port that one service keeps on the local network is never forwarded,
 * even when another service asks for it. */
static void
drop_lan_ports_from_items (SesameChecklist *self,
                           GArray          *forward_items,
                           GArray          *lan_items)
{
  for (guint i = 0; i < forward_items->len; i++)
    {
      const Item *item = &g_array_index (forward_items, Item, i);

      for (guint j = 0; j < lan_items->len; j++)
        {
          const Item *lan = &g_array_index (lan_items, Item, j);
          g_autoptr(GPtrArray) services = NULL;
          g_autofree char *port = NULL;

          if (lan->protocol != item->protocol ||
              !sesame_port_range_overlaps (&lan->external, &item->external))
            continue;

          port = describe_port (self, lan->protocol, &lan->external);
          services = str_array_new ();
          g_ptr_array_add (services, g_strdup (lan->id));
          add_conflict (self, item->protocol, &item->external, services, item->id,
                        /* Translators: "UDP 5353 is used only on the local network by iChat, so it is not forwarded for My rule: choose another port for it." */
                        g_strdup_printf (T (self, "%s is used only on the local network by %s, so it is not forwarded for %s: choose another port for it."),
                                         port, lan->name, item->name));
          g_array_remove_index (forward_items, i--);
          break;
        }
    }
}

static void
add_item (GArray                *items,
          SesameProtocol         protocol,
          const SesamePortRange *external,
          const SesamePortRange *internal,
          const char            *id,
          const char            *name)
{
  Item item = { protocol, *external, *internal, id, name };

  g_array_append_val (items, item);
}

static void
build_router_section (SesameChecklist *self)
{
  const SesameRouter *router = self->router;
  const char *language = sesame_translation_get_language (self->translation);
  const char *host = sesame_plan_get_host_name (self->plan);
  const char *address = sesame_plan_get_host_address (self->plan);
  const char *router_address = sesame_plan_get_router_address (self->plan);
  const char * const *path;

  /* "OpenWrt" and "OpenWrt (LuCI)" make "OpenWrt (LuCI)", not "OpenWrt OpenWrt (LuCI)" */
  if (g_str_has_prefix (sesame_text_get (&router->model, language), sesame_text_get (&router->vendor, language)))
    self->router_name = g_strdup (sesame_text_get (&router->model, language));
  else
    self->router_name = g_strdup_printf ("%s %s", sesame_text_get (&router->vendor, language),
                                         sesame_text_get (&router->model, language));
  self->router_page = g_strdup (sesame_text_get (&router->forwarding_page, language));
  self->router_menu_path = g_strjoinv (" > ", (char **)sesame_router_get_menu_path (router, language));

  /* The person's own router address wins over the factory default, unless the
   * admin page has a name of its own (such as http://aterm.me/) */
  if (router->admin_url != NULL && router_address != NULL &&
      strstr (router->admin_url, router->lan_address) != NULL)
    self->admin_url = g_strdup_printf ("http://%s/", router_address);
  else
    self->admin_url = g_strdup (router->admin_url);

  if (host == NULL)
    host = T (self, "the server");

  if ((path = sesame_router_get_reservation_path (router, language)) != NULL)
    {
      g_autofree char *joined = g_strjoinv (" > ", (char **)path);

      add_step (self->router_steps,
                /* Translators: "Give Mac mini the fixed address 192.168.11.5: on the router, open DHCPリース (Internet/LAN > DHCPリース) and reserve it." */
                g_strdup_printf (T (self, "Give %s the fixed address %s: on the router, open “%s” (%s) and reserve the address for it."),
                                 host, address, sesame_text_get (&router->reservation_page, language), joined),
                NULL);
    }
  else
    add_step (self->router_steps,
              g_strdup_printf (T (self, "Make sure %s always gets the address %s: reserve it in the router’s DHCP settings, or set it by hand on the computer, outside the range of addresses the router hands out."),
                               host, address),
              NULL);

  if (self->admin_url != NULL)
    add_step (self->router_steps,
              g_strdup_printf (T (self, "Open %s in a web browser on a computer at home and sign in as the administrator."),
                               self->admin_url),
              NULL);
  else
    add_step (self->router_steps,
              g_strdup (T (self, "This router is set up with its own app, not a web page: open the app on a computer or phone at home.")),
              NULL);

  add_step (self->router_steps,
            /* Translators: "Go to 詳細設定 > アドレス変換 (the page “アドレス変換”)." */
            g_strdup_printf (T (self, "Go to %s (the page “%s”)."), self->router_menu_path, self->router_page),
            NULL);

  if (sesame_router_is_uncertain (router, "menu_path") || sesame_router_is_uncertain (router, "forwarding_page"))
    add_step (self->router_steps,
              g_strdup (T (self, "Sesame could not confirm this menu for every firmware version: if you do not find it, look for a page named port forwarding, port mapping, virtual server or address translation.")),
              NULL);

  if (self->forwards->len > 0)
    add_step (self->router_steps,
              g_strdup (T (self, "Add one entry for each row of the table below, with the protocol, the ports and the server’s address as shown, then save the settings.")),
              NULL);
  else
    add_step (self->router_steps,
              g_strdup (T (self, "Nothing needs to be forwarded for the services you chose.")),
              NULL);

  if (router->port_ranges == SESAME_SUPPORT_NO)
    add_step (self->router_steps,
              g_strdup (T (self, "This router takes one port per entry, so ranges are listed port by port.")),
              NULL);
  else if (router->port_ranges == SESAME_SUPPORT_UNKNOWN)
    {
      for (guint i = 0; i < self->forwards->len; i++)
        {
          const SesameForward *forward = g_ptr_array_index (self->forwards, i);

          if (sesame_port_range_count (&forward->external) > 1)
            {
              g_autofree char *range = sesame_port_range_to_string (&forward->external);

              /* The person's own range as the example */
              add_step (self->router_steps,
                        /* Translators: %s is a range of ports from the plan, such as “27015-27030” */
                        g_strdup_printf (T (self, "If the router does not take a range such as %s in one entry, add one entry for each port of the range."),
                                         range),
                        NULL);
              break;
            }
        }
    }

  if (router->notes.en != NULL)
    add_step (self->router_steps, g_strdup (sesame_text_get (&router->notes, language)), NULL);
}

static SesameFinding *
finding_copy (const SesameFinding *finding)
{
  SesameFinding *copy = sesame_finding_new (finding->id, finding->severity, finding->title,
                                            finding->text, finding->action);

  copy->works = finding->works;
  copy->port_title = g_strdup (finding->port_title);
  for (guint i = 0; i < finding->ports->len; i++)
    {
      const SesameFindingPort *port = &g_array_index (finding->ports, SesameFindingPort, i);
      sesame_finding_add_port (copy, port->protocol, &port->range, port->internal);
    }

  return copy;
}

static SesameFinding *
add_plan_finding (SesameChecklist       *self,
                  const char            *id,
                  SesameFindingSeverity  severity,
                  char                  *title,
                  char                  *text,
                  char                  *action)
{
  SesameFinding *finding = sesame_finding_new (id, severity, title, text, action);

  g_free (title);
  g_free (text);
  g_free (action);
  g_ptr_array_add (self->plan_findings, finding);
  return finding;
}

static SesameForward *
forward_copy (const SesameForward *forward)
{
  SesameForward *copy = g_new0 (SesameForward, 1);

  *copy = *forward;
  copy->internal_address = g_strdup (forward->internal_address);
  copy->services = str_array_new ();
  str_array_extend_unique (copy->services, forward->services);
  copy->names = str_array_new ();
  str_array_extend_unique (copy->names, forward->names);
  return copy;
}

/* The address and port to give out for a row moved into the set */
static char *
give_out (SesameChecklist     *self,
          const SesameForward *forward,
          const char          *ipv4)
{
  gboolean web = g_ptr_array_find_with_equal_func (forward->services, "http", g_str_equal, NULL);
  gboolean secure = g_ptr_array_find_with_equal_func (forward->services, "https", g_str_equal, NULL);

  if (forward->protocol == SESAME_PROTOCOL_TCP && sesame_port_range_count (&forward->external) == 1 &&
      (web || secure))
    return g_strdup_printf ("%s://%s:%u/", secure ? "https" : "http", ipv4, forward->external.first);

  if (sesame_port_range_count (&forward->external) == 1)
    return g_strdup_printf ("%s:%u", ipv4, forward->external.first);

  return g_strdup_printf ("%s:%u-%u", ipv4, forward->external.first, forward->external.last);
}

/* A service whose other side cannot be told another port: a range of ports
 * peers use as they are (iChat's audio and video), or a system port other
 * than web and SSH, whose programs take a port in the address */
static gboolean
needs_fixed_port (const SesameForward   *forward,
                  const SesamePortRange *original)
{
  static const char * const movable[] = { "http", "https", "ssh", NULL };

  if (sesame_port_range_count (original) > 1)
    return TRUE;

  if (original->first >= 1024)
    return FALSE;

  for (guint i = 0; i < forward->services->len; i++)
    {
      const char *id = g_ptr_array_index (forward->services, i);

      if (!g_str_has_prefix (id, "custom:") && !g_strv_contains (movable, id))
        return TRUE;
    }

  return FALSE;
}

static gboolean
take_ports (const SesamePortset *portset,
            guint8              *used,
            guint                count,
            GArray              *taken)
{
  guint found = 0;

  for (guint r = 0; r < portset->ports->len && found < count; r++)
    {
      const SesamePortRange *set = &g_array_index (portset->ports, SesamePortRange, r);

      for (guint port = set->first; port <= set->last && found < count; port++)
        {
          SesamePortRange *last = taken->len > 0 ? &g_array_index (taken, SesamePortRange, taken->len - 1) : NULL;

          if (used[port])
            continue;

          if (last != NULL && (guint) last->last + 1 == port)
            last->last = port;
          else
            {
              SesamePortRange run = { port, port };
              g_array_append_val (taken, run);
            }
          found++;
        }
    }

  if (found < count)
    return FALSE;

  for (guint i = 0; i < taken->len; i++)
    {
      const SesamePortRange *run = &g_array_index (taken, SesamePortRange, i);
      memset (used + run->first, 1, sesame_port_range_count (run));
    }

  return TRUE;
}

/* MAP-E with a known port set: every row outside the set gets external
 * ports from it (split when the set's runs are shorter than the row) and
 * keeps its internal ports; what that means is said as findings, which the
 * checklist carries with or without probe results. DS-Lite: a blocker. */
static void
build_port_set (SesameChecklist *self)
{
  g_autoptr(SesamePortset) portset = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree guint8 *used_tcp = NULL;
  g_autofree guint8 *used_udp = NULL;
  g_autofree char *ipv4 = NULL;
  g_autofree char *set_text = NULL;
  g_autoptr(GArray) moved = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) originals = g_array_new (FALSE, FALSE, sizeof (SesamePortRange));
  GPtrArray *too_many = NULL;
  guint needed = 0;
  const char *prefix = sesame_plan_get_ipv6_prefix (self->plan);
  SesameFinding *finding;

  if (sesame_plan_get_connection (self->plan) == SESAME_CONNECTION_DS_LITE)
    {
      finding = add_plan_finding (self, "ds-lite", SESAME_FINDING_SEVERITY_BLOCKER,
                                  g_strdup (T (self, "DS-Lite: IPv4 port forwarding cannot work")),
                                  g_strdup (T (self, "With IPv4 over IPv6 by DS-Lite, your provider translates IPv4 addresses, not your router: no IPv4 port forwarding can work.")),
                                  g_strdup (T (self, "Reach the server over IPv6, ask your provider for a fixed IPv4 address option, or switch to PPPoE if your provider offers it.")));
      finding->works = SESAME_WORKS_NO;
      for (guint i = 0; i < self->forwards->len; i++)
        {
          const SesameForward *forward = g_ptr_array_index (self->forwards, i);
          sesame_finding_add_port (finding, forward->protocol, &forward->external, FALSE);
        }
      return;
    }

  if (sesame_plan_get_connection (self->plan) != SESAME_CONNECTION_MAP_E || prefix == NULL)
    return;

  /* A plan's prefix was checked when it was read; the table is Sesame's own */
  portset = sesame_portset_lookup_text (prefix, NULL);
  if (portset == NULL || portset->method != SESAME_TRANSITION_MAP_E || !portset->rule_known)
    return;

  ipv4 = sesame_portset_ipv4_to_string (portset);
  set_text = sesame_portset_ports_to_string (portset, 0);
  used_tcp = g_malloc0 (65536);
  used_udp = g_malloc0 (65536);

  /* Rows already inside the set keep their ports */
  for (guint i = 0; i < self->forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (self->forwards, i);
      guint8 *used = forward->protocol == SESAME_PROTOCOL_TCP ? used_tcp : used_udp;

      needed += sesame_port_range_count (&forward->external);
      if (sesame_portset_contains_range (portset, &forward->external))
        memset (used + forward->external.first, 1, sesame_port_range_count (&forward->external));
    }

  rows = g_ptr_array_new_with_free_func (forward_free);
  for (guint i = 0; i < self->forwards->len; i++)
    {
      SesameForward *forward = g_ptr_array_index (self->forwards, i);
      guint8 *used = forward->protocol == SESAME_PROTOCOL_TCP ? used_tcp : used_udp;
      g_autoptr(GArray) taken = g_array_new (FALSE, FALSE, sizeof (SesamePortRange));
      guint offset = 0;

      if (sesame_portset_contains_range (portset, &forward->external))
        {
          g_ptr_array_add (rows, forward_copy (forward));
          continue;
        }

      if (!take_ports (portset, used, sesame_port_range_count (&forward->external), taken))
        {
          if (too_many == NULL)
            too_many = g_ptr_array_new ();
          g_ptr_array_add (rows, forward_copy (forward));
          g_ptr_array_add (too_many, g_ptr_array_index (rows, rows->len - 1));
          continue;
        }

      for (guint t = 0; t < taken->len; t++)
        {
          const SesamePortRange *run = &g_array_index (taken, SesamePortRange, t);
          SesameForward *part = forward_copy (forward);
          SesamePortRange original = {
            forward->external.first + offset,
            forward->external.first + offset + sesame_port_range_count (run) - 1,
          };
          guint index = rows->len;

          part->external = *run;
          part->internal.first = forward->internal.first + offset;
          part->internal.last = part->internal.first + sesame_port_range_count (run) - 1;
          offset += sesame_port_range_count (run);
          g_ptr_array_add (rows, part);
          g_array_append_val (moved, index);
          g_array_append_val (originals, original);
        }
    }

  g_ptr_array_unref (self->forwards);
  self->forwards = g_steal_pointer (&rows);

  finding = add_plan_finding (self, "map-e-port-set", SESAME_FINDING_SEVERITY_INFO,
                              /* Translators: the provider, the shared IPv4 address, the number of ports */
                              g_strdup_printf (T (self, "MAP-E (%s): your address is %s, with %u ports of your own"),
                                               portset->provider, ipv4, portset->port_count),
                              /* Translators: the PSID, then the list of port ranges */
                              g_strdup_printf (T (self, "Your IPv4 address is shared with other customers; only these ports are yours to forward (PSID %u): %s."),
                                               portset->psid, set_text),
                              portset->uncertain
                                ? g_strdup_printf (T (self, "The provider’s rule behind this set is not confirmed by two independent sources (%s): check the address and ports on the router’s status page."),
                                                   portset->source)
                                : NULL);

  for (guint i = 0; i < moved->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (self->forwards, g_array_index (moved, guint, i));
      const SesamePortRange *original = &g_array_index (originals, SesamePortRange, i);
      g_autofree char *names = sesame_checklist_join_names (self, forward->names);
      g_autofree char *was = sesame_checklist_format_ports (self, original);
      g_autofree char *now = sesame_checklist_format_ports (self, &forward->external);
      g_autofree char *address = give_out (self, forward, ipv4);

      if (needs_fixed_port (forward, original))
        {
          finding = add_plan_finding (self, "map-e-needs-fixed-port", SESAME_FINDING_SEVERITY_WARNING,
                                      /* Translators: the service, then its port(s), e.g. "iChat: UDP 16384-16403" */
                                      g_strdup_printf (T (self, "%s needs %s %s itself, which MAP-E does not give you"),
                                                       names, sesame_checklist_format_protocol (self, forward->protocol), was),
                                      g_strdup_printf (T (self, "The programs on the other side always use %s %s and cannot be told another port, so the row moved to %s cannot make %s reachable over IPv4."),
                                                       sesame_checklist_format_protocol (self, forward->protocol), was, now, names),
                                      g_strdup (T (self, "Offer it over IPv6, ask your provider for a fixed IPv4 address option, or use PPPoE if your provider offers it.")));
          finding->works = SESAME_WORKS_NO;
        }
      else
        finding = add_plan_finding (self, "map-e-port-remapped", SESAME_FINDING_SEVERITY_INFO,
                                    /* Translators: the service, then the address to give out, e.g. "http://106.72.18.52:5472/" */
                                    g_strdup_printf (T (self, "%s: give out %s"), names, address),
                                    g_strdup_printf (T (self, "%s %s is not among your ports: the router forwards external port %s to port %s on the server, and people reach %s at %s."),
                                                     sesame_checklist_format_protocol (self, forward->protocol), was,
                                                     now, was, names, address),
                                    NULL);
      sesame_finding_add_port (finding, forward->protocol, &forward->external, FALSE);
    }

  if (too_many != NULL)
    {
      finding = add_plan_finding (self, "map-e-too-many-ports", SESAME_FINDING_SEVERITY_BLOCKER,
                                  /* Translators: ports the plan needs, ports in the set */
                                  g_strdup_printf (T (self, "The plan needs %u ports; MAP-E gives you %u"),
                                                   needed, portset->port_count),
                                  g_strdup (T (self, "The rows that did not fit keep their own ports, which are not yours to forward: they cannot work over IPv4.")),
                                  g_strdup (T (self, "Forward fewer services, offer them over IPv6, or ask your provider for a fixed IPv4 address option.")));
      finding->works = SESAME_WORKS_NO;
      for (guint i = 0; i < too_many->len; i++)
        {
          const SesameForward *forward = g_ptr_array_index (too_many, i);
          sesame_finding_add_port (finding, forward->protocol, &forward->external, FALSE);
        }
      g_ptr_array_unref (too_many);
    }

  self->portset = g_steal_pointer (&portset);
}

/**
 * sesame_checklist_get_portset:
 *
 * Returns: (nullable) (transfer none): the MAP-E port set the forwarding
 *   rows were moved into, when the plan is MAP-E with a known rule
 */
const SesamePortset *
sesame_checklist_get_portset (SesameChecklist *self)
{
  g_return_val_if_fail (SESAME_IS_CHECKLIST (self), NULL);

  return self->portset;
}

static void
build_connection_warnings (SesameChecklist *self)
{
  switch (sesame_plan_get_connection (self->plan))
    {
    case SESAME_CONNECTION_MAP_E:
      /* The port set itself says it, row by row */
      if (self->portset != NULL)
        break;
      add_warning (self, SESAME_SEVERITY_WARNING,
                   g_strdup (T (self, "With IPv4 over IPv6 by MAP-E (such as v6プラス, OCN バーチャルコネクト or IPv6オプション), your IPv4 address is shared with other customers and only the ports assigned to you can be forwarded: 240 ports with v6プラス, never the ports below 1024. Commonly used ports such as 80, 443 or 25565 are usually not among them.")),
                   g_strdup (T (self, "Look up your assigned ports in the router’s status page and forward one of them to each service (external port from your set, internal port as listed), reach the server over IPv6, or ask your provider for a fixed IPv4 address option.")));
      break;

    case SESAME_CONNECTION_DS_LITE:
      add_warning (self, SESAME_SEVERITY_CRITICAL,
                   g_strdup (T (self, "With IPv4 over IPv6 by DS-Lite (such as transix or クロスパス), IPv4 addresses are translated at your provider, not in your router, so no IPv4 port forwarding can work: the rows below will not make the services reachable over IPv4.")),
                   g_strdup (T (self, "Reach the server over IPv6 instead (allow the ports in the router’s IPv6 filter), ask your provider for a fixed IPv4 address option (IPIP), or switch the connection to PPPoE if your provider offers it.")));
      break;

    case SESAME_CONNECTION_UNKNOWN:
    case SESAME_CONNECTION_PPPOE:
    case SESAME_CONNECTION_DHCP:
    case SESAME_CONNECTION_STATIC:
    default:
      break;
    }
}

static void
build_address_warnings (SesameChecklist *self)
{
  guint32 host = 0;
  guint32 router = 0;
  const char *router_address = sesame_plan_get_router_address (self->plan);

  if (!sesame_ipv4_parse (sesame_plan_get_host_address (self->plan), &host))
    return;

  if (sesame_ipv4_classify (host) != SESAME_IPV4_PRIVATE)
    add_warning (self, SESAME_SEVERITY_WARNING,
                 g_strdup_printf (T (self, "%s is not a home-network address. Port forwarding needs the server’s address on the home network, usually 192.168.x.x or 10.x.x.x."),
                                  sesame_plan_get_host_address (self->plan)),
                 NULL);
  else if (sesame_ipv4_parse (router_address, &router) && !sesame_ipv4_same_subnet (host, router, 24))
    add_warning (self, SESAME_SEVERITY_WARNING,
                 g_strdup_printf (T (self, "The server’s address %s is not in the same network as the router (%s). Check both addresses: forwarding only reaches computers on the router’s own network."),
                                  sesame_plan_get_host_address (self->plan), router_address),
                 NULL);

  self->lan_subnet = g_strdup_printf ("%u.%u.%u.0/24", host >> 24, (host >> 16) & 0xff, (host >> 8) & 0xff);
}

/* Host firewall: open the forwarded ports to everyone, and ports used at home
 * (LAN-only ports, and services kept off the internet) to the home network only. */

typedef struct
{
  SesameProtocol   protocol;
  SesamePortRange  ports;
  GPtrArray       *services;
  gboolean         lan;
} Opening;

static GArray *
collect_openings (SesameChecklist *self)
{
  GArray *openings = g_array_new (FALSE, FALSE, sizeof (Opening));
  GPtrArray *lan_groups[] = { self->lan_only, self->not_forwarded };

  for (guint i = 0; i < self->forwards->len; i++)
    {
      SesameForward *forward = g_ptr_array_index (self->forwards, i);
      Opening opening = { forward->protocol, forward->internal, forward->services, FALSE };

      g_array_append_val (openings, opening);
    }

  for (guint g = 0; g < G_N_ELEMENTS (lan_groups); g++)
    {
      for (guint i = 0; i < lan_groups[g]->len; i++)
        {
          SesamePortGroup *group = g_ptr_array_index (lan_groups[g], i);
          Opening opening = { group->protocol, group->ports, group->services, TRUE };

          g_array_append_val (openings, opening);
        }
    }

  return openings;
}

static char *
join_ids (GPtrArray *services)
{
  return g_strjoinv (", ", (char **)services->pdata);
}

typedef char *(*CommandFunc) (SesameChecklist *self,
                              const Opening   *opening,
                              const char      *ids);

/* Every string in a command goes through sesame_shell_quote_posix () or
 * sesame_shell_quote_windows (): a rule's name is the person's free text and
 * must arrive as the text of a comment, never as part of the command. */

static char *
ufw_command (SesameChecklist *self,
             const Opening   *o,
             const char      *ids)
{
  const char *proto = sesame_protocol_to_string (o->protocol);
  g_autofree char *ports = NULL;
  g_autofree char *comment = g_strconcat ("Sesame: ", ids, NULL);
  g_autofree char *quoted_comment = sesame_shell_quote_posix (comment);

  if (o->ports.first == o->ports.last)
    ports = g_strdup_printf ("%u", o->ports.first);
  else
    ports = g_strdup_printf ("%u:%u", o->ports.first, o->ports.last);

  if (o->lan)
    {
      g_autofree char *subnet = sesame_shell_quote_posix (self->lan_subnet);

      return g_strdup_printf ("sudo ufw allow from %s to any port %s proto %s comment %s",
                              subnet, ports, proto, quoted_comment);
    }

  return g_strdup_printf ("sudo ufw allow %s/%s comment %s", ports, proto, quoted_comment);
}

static char *
firewalld_command (SesameChecklist *self,
                   const Opening   *o,
                   const char      *ids)
{
  const char *proto = sesame_protocol_to_string (o->protocol);
  g_autofree char *ports = sesame_port_range_to_string (&o->ports);

  if (o->lan)
    {
      g_autofree char *rule = g_strdup_printf ("rule family=\"ipv4\" source address=\"%s\" "
                                               "port port=\"%s\" protocol=\"%s\" accept",
                                               self->lan_subnet, ports, proto);
      g_autofree char *quoted_rule = sesame_shell_quote_posix (rule);

      return g_strdup_printf ("sudo firewall-cmd --permanent --add-rich-rule=%s", quoted_rule);
    }

  return g_strdup_printf ("sudo firewall-cmd --permanent --add-port=%s/%s", ports, proto);
}

/* nft reads its own quoted string: everything up to the next double quote,
 * with no escapes, so a double quote in a name would end the comment and
 * let the rest be read as more nft commands. It becomes a single quote. */
static char *
nft_comment (const char *ids)
{
  g_autofree char *text = g_strconcat ("Sesame: ", ids, NULL);
  g_autofree char *nft_string = NULL;

  g_strdelimit (text, "\"", '\'');
  nft_string = g_strconcat ("\"", text, "\"", NULL);

  return sesame_shell_quote_posix (nft_string);
}

static char *
nftables_command (SesameChecklist *self,
                  const Opening   *o,
                  const char      *ids)
{
  const char *proto = sesame_protocol_to_string (o->protocol);
  g_autofree char *ports = sesame_port_range_to_string (&o->ports);
  g_autofree char *comment = nft_comment (ids);

  if (o->lan)
    {
      g_autofree char *subnet = sesame_shell_quote_posix (self->lan_subnet);

      return g_strdup_printf ("sudo nft add rule inet filter input ip saddr %s %s dport %s accept comment %s",
                              subnet, proto, ports, comment);
    }

  return g_strdup_printf ("sudo nft add rule inet filter input %s dport %s accept comment %s",
                          proto, ports, comment);
}

/* Command Prompt cannot quote every character safely, so the Windows rule is
 * named after the catalog's ids and the custom rule's place in the plan
 * ("custom-1"), never after the person's text. */
static char *
netsh_rule_name (SesameChecklist *self,
                 GPtrArray       *services)
{
  GPtrArray *rules = sesame_plan_get_custom_rules (self->plan);
  GString *name = g_string_new ("Sesame: ");

  for (guint i = 0; i < services->len; i++)
    {
      const char *id = g_ptr_array_index (services, i);

      if (i > 0)
        g_string_append (name, ", ");

      if (g_str_has_prefix (id, "custom:"))
        {
          guint n = 0;

          while (n < rules->len &&
                 !g_str_equal (((const SesameCustomRule *) g_ptr_array_index (rules, n))->name,
                               id + strlen ("custom:")))
            n++;
          g_string_append_printf (name, "custom-%u", n + 1);
        }
      else
        g_string_append (name, id);
    }

  return g_string_free (name, FALSE);
}

static char *
netsh_command (SesameChecklist *self,
               const Opening   *o,
               const char      *ids)
{
  g_autofree char *ports = sesame_port_range_to_string (&o->ports);
  g_autofree char *name = netsh_rule_name (self, o->services);
  g_autofree char *quoted_name = sesame_shell_quote_windows (name);

  /* Catalog ids and "custom-N" hold nothing either shell reads */
  g_assert (quoted_name != NULL);

  return g_strdup_printf ("netsh advfirewall firewall add rule name=%s dir=in action=allow protocol=%s localport=%s%s",
                          quoted_name, sesame_protocol_label (o->protocol), ports,
                          o->lan ? " remoteip=localsubnet" : "");
}

static void
add_opening_steps (SesameChecklist *self,
                   GArray          *openings,
                   CommandFunc      func)
{
  for (guint i = 0; i < openings->len; i++)
    {
      const Opening *o = &g_array_index (openings, Opening, i);
      g_autofree char *ids = join_ids (o->services);
      g_autofree char *port = describe_port (self, o->protocol, &o->ports);
      g_autofree char *command = func (self, o, ids);
      char *text;

      if (o->lan)
        /* Translators: "Allow UDP 5353 from the home network only (192.168.11.0/24)." */
        text = g_strdup_printf (T (self, "Allow %s from the home network only (%s)."), port, self->lan_subnet);
      else
        /* Translators: "Allow TCP 80 from everywhere." */
        text = g_strdup_printf (T (self, "Allow %s from everywhere."), port);

      add_step (self->firewall_steps, text, command);
    }
}

/* The ports a port-based firewall on the Mac must open: what comes in from the
 * internet or the home network, and the UDP ports whose replies come back
 * (Apple's list for iChat names SNATMAP's 5678 for that reason). */
static char *
macos_port_list (SesameChecklist *self,
                 GArray          *openings,
                 SesameProtocol   protocol)
{
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (Item));
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func (port_group_free);
  GString *str = g_string_new (NULL);

  for (guint i = 0; i < openings->len; i++)
    {
      const Opening *o = &g_array_index (openings, Opening, i);

      if (o->protocol == protocol)
        add_item (items, protocol, &o->ports, &o->ports, "", "");
    }

  if (protocol == SESAME_PROTOCOL_UDP)
    {
      for (guint i = 0; i < self->outbound_only->len; i++)
        {
          const SesamePortGroup *group = g_ptr_array_index (self->outbound_only, i);

          if (group->protocol == protocol)
            add_item (items, protocol, &group->ports, &group->ports, "", "");
        }
    }

  merge_groups (items, groups);

  for (guint i = 0; i < groups->len; i++)
    {
      const SesamePortGroup *group = g_ptr_array_index (groups, i);
      g_autofree char *ports = sesame_port_range_to_string (&group->ports);

      if (str->len > 0)
        g_string_append (str, ", ");
      g_string_append (str, ports);
    }

  return g_string_free (str, FALSE);
}

static void
build_firewall_macos (SesameChecklist *self,
                      GArray          *openings)
{
  g_autoptr(GPtrArray) sharing = str_array_new ();
  g_autoptr(GPtrArray) others = str_array_new ();
  g_autofree char *tcp = NULL;
  g_autofree char *udp = NULL;
  const char * const *services = sesame_plan_get_services (self->plan);

  add_step (self->firewall_steps,
            g_strdup (T (self, "Open System Settings > Network > Firewall (System Preferences > Security & Privacy > Firewall on older macOS) and turn the firewall on.")),
            "sudo /usr/libexec/ApplicationFirewall/socketfilterfw --setglobalstate on");

  add_step (self->firewall_steps,
            g_strdup (T (self, "In Options, turn on “Automatically allow signed software to receive incoming connections” (on newer macOS: “Automatically allow built-in software …” and “… downloaded signed software …”). Signed apps such as iChat are then allowed without adding each one by hand.")),
            "sudo /usr/libexec/ApplicationFirewall/socketfilterfw --setallowsigned on");

  for (guint i = 0; services[i] != NULL; i++)
    {
      const SesameService *service = sesame_catalog_lookup_service (self->catalog, services[i]);

      if (service == NULL)
        continue;

      if (service->macos_sharing != NULL)
        str_array_add_unique (sharing, T (self, service->macos_sharing));
      else
        {
          for (guint p = 0; p < service->ports->len; p++)
            {
              const SesameServicePort *port = g_ptr_array_index (service->ports, p);

              if (port->exposure != SESAME_EXPOSURE_OUTBOUND)
                {
                  str_array_add_unique (others, T (self, service->name));
                  break;
                }
            }
        }
    }

  for (guint i = 0; i < sharing->len; i++)
    add_step (self->firewall_steps,
              /* Translators: the name of a macOS Sharing service, such as Remote Login */
              g_strdup_printf (T (self, "Turn on “%s” in System Settings > General > Sharing (System Preferences > Sharing on older macOS). macOS then lets it through the firewall by itself."),
                               (const char *)g_ptr_array_index (sharing, i)),
              NULL);

  if (others->len > 0 || sesame_plan_get_custom_rules (self->plan)->len > 0)
    {
      g_autofree char *names = NULL;

      for (guint i = 0; i < sesame_plan_get_custom_rules (self->plan)->len; i++)
        {
          const SesameCustomRule *rule = g_ptr_array_index (sesame_plan_get_custom_rules (self->plan), i);
          str_array_add_unique (others, rule->name);
        }

      names = sesame_checklist_join_names (self, others);
      add_step (self->firewall_steps,
                g_strdup_printf (T (self, "The macOS firewall allows programs, not port numbers. When the program for %s asks whether to accept incoming connections, click Allow, or add it in Firewall Options with the + button."),
                                 names),
                NULL);
    }

  tcp = macos_port_list (self, openings, SESAME_PROTOCOL_TCP);
  udp = macos_port_list (self, openings, SESAME_PROTOCOL_UDP);

  if (*tcp || *udp)
    add_step (self->firewall_steps,
              /* Translators: "TCP: 22, 80; UDP: 5060, 16384-16403" follow; a dash stands for none */
              g_strdup_printf (T (self, "If the Mac uses a firewall that works by port (Mac OS X 10.4 and earlier, or another firewall program), open these ports. TCP: %s. UDP: %s."),
                               *tcp ? tcp : "-", *udp ? udp : "-"),
              NULL);
}

static void
build_firewall (SesameChecklist *self)
{
  g_autoptr(GArray) openings = collect_openings (self);
  SesameHostOs os = sesame_plan_get_host_os (self->plan);

  switch (os)
    {
    case SESAME_HOST_OS_MACOS:
      self->firewall_title = g_strdup (T (self, "Firewall on the Mac"));
      build_firewall_macos (self, openings);
      return;

    case SESAME_HOST_OS_LINUX_UFW:
      self->firewall_title = g_strdup (T (self, "Firewall on the server (ufw)"));
      add_step (self->firewall_steps,
                g_strdup (T (self, "Run these commands in a terminal on the server. Add the rules before you turn ufw on, so that a remote SSH session is not cut off.")),
                NULL);
      add_opening_steps (self, openings, ufw_command);
      add_step (self->firewall_steps, g_strdup (T (self, "Turn the firewall on and check the rules.")),
                "sudo ufw enable && sudo ufw status verbose");
      return;

    case SESAME_HOST_OS_LINUX_FIREWALLD:
      self->firewall_title = g_strdup (T (self, "Firewall on the server (firewalld)"));
      add_step (self->firewall_steps,
                g_strdup (T (self, "Run these commands in a terminal on the server. They change the default zone; the last one makes the changes take effect.")),
                NULL);
      add_opening_steps (self, openings, firewalld_command);
      add_step (self->firewall_steps, g_strdup (T (self, "Load the new rules and check them.")),
                "sudo firewall-cmd --reload && sudo firewall-cmd --list-all");
      return;

    case SESAME_HOST_OS_LINUX_NFTABLES:
      self->firewall_title = g_strdup (T (self, "Firewall on the server (nftables)"));
      add_step (self->firewall_steps,
                g_strdup (T (self, "Run these commands in a terminal on the server. They add to the input chain of the “inet filter” table, as in Debian’s /etc/nftables.conf.")),
                NULL);
      add_opening_steps (self, openings, nftables_command);
      add_step (self->firewall_steps,
                g_strdup (T (self, "Keep the rules after a restart by saving the whole rule set.")),
                "sudo sh -c 'nft list ruleset > /etc/nftables.conf'");
      return;

    case SESAME_HOST_OS_WINDOWS:
      self->firewall_title = g_strdup (T (self, "Windows Defender Firewall"));
      add_step (self->firewall_steps,
                g_strdup (T (self, "Open Command Prompt as administrator (right-click, “Run as administrator”) and run these commands.")),
                NULL);
      add_opening_steps (self, openings, netsh_command);
      add_step (self->firewall_steps, g_strdup (T (self, "Check the new rules.")),
                "netsh advfirewall firewall show rule name=all dir=in | findstr Sesame");
      return;

    default:
      g_assert_not_reached ();
    }
}

static void
build_verify_steps (SesameChecklist *self)
{
  static const char * const listening[] = {
    [SESAME_HOST_OS_MACOS] = "sudo lsof -nP -iTCP -sTCP:LISTEN; sudo lsof -nP -iUDP",
    [SESAME_HOST_OS_LINUX_UFW] = "sudo ss -tulpn",
    [SESAME_HOST_OS_LINUX_FIREWALLD] = "sudo ss -tulpn",
    [SESAME_HOST_OS_LINUX_NFTABLES] = "sudo ss -tulpn",
    [SESAME_HOST_OS_WINDOWS] = "netstat -ano | findstr LISTENING",
  };

  add_step (self->verify_steps,
            g_strdup (T (self, "Check on the server that each service is running and listening on its port.")),
            listening[sesame_plan_get_host_os (self->plan)]);
  add_step (self->verify_steps,
            g_strdup (T (self, "From outside your home, for example a phone on mobile data with Wi-Fi turned off, connect to each service using your external address. A test from inside the home network can fail even when everything is right, because many routers do not loop connections back.")),
            NULL);
  add_step (self->verify_steps,
            g_strdup (T (self, "If a port stays closed, check the router’s entries once more, then the firewall on the server, then that the service is running.")),
            NULL);
}

static void
build_service_warnings (SesameChecklist *self,
                        const SesameService *service)
{
  SesameWarning *warning;

  if (service->risk == SESAME_RISK_NONE)
    return;

  warning = add_warning (self,
                         service->risk == SESAME_RISK_DANGEROUS ? SESAME_SEVERITY_CRITICAL
                                                                : SESAME_SEVERITY_WARNING,
                         g_strdup (T (self, service->risk_note)),
                         service->instead ? g_strdup (T (self, service->instead)) : NULL);
  g_ptr_array_add (warning->services, g_strdup (service->id));
}

static int
compare_warnings (gconstpointer a,
                  gconstpointer b)
{
  const SesameWarning *wa = *(const SesameWarning * const *)a;
  const SesameWarning *wb = *(const SesameWarning * const *)b;

  return (int) wb->severity - (int) wa->severity;
}

/**
 * sesame_checklist_new:
 * @plan: a valid plan
 * @catalog: the catalog it refers to
 * @language: (nullable): "en" or "ja"; %NULL for the plan's language, or the
 *   person's preferred one
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the checklist, or %NULL if @plan does not validate
 */
SesameChecklist *
sesame_checklist_new (SesamePlan     *plan,
                      SesameCatalog  *catalog,
                      const char     *language,
                      GError        **error)
{
  g_autoptr(SesameChecklist) self = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GArray) forward_items = g_array_new (FALSE, FALSE, sizeof (Item));
  g_autoptr(GArray) lan_items = g_array_new (FALSE, FALSE, sizeof (Item));
  g_autoptr(GArray) outbound_items = g_array_new (FALSE, FALSE, sizeof (Item));
  g_autoptr(GArray) blocked_items = g_array_new (FALSE, FALSE, sizeof (Item));
  g_autoptr(GPtrArray) custom_ids = g_ptr_array_new_with_free_func (g_free);
  const char * const *services;
  GPtrArray *rules;
  const char *host_name;

  g_return_val_if_fail (SESAME_IS_PLAN (plan), NULL);
  g_return_val_if_fail (SESAME_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  problems = sesame_plan_validate (plan, catalog);
  if (problems->len > 0)
    {
      g_set_error_literal (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_INVALID,
                           g_ptr_array_index (problems, 0));
      return NULL;
    }

  if (language == NULL)
    language = sesame_plan_get_language (plan);
  if (language == NULL)
    language = sesame_translation_get_default_language ();

  self = g_object_new (SESAME_TYPE_CHECKLIST, NULL);
  self->plan = g_object_ref (plan);
  self->catalog = g_object_ref (catalog);
  self->router = sesame_catalog_lookup_router (catalog, sesame_plan_get_router_id (plan));

  if (!(self->translation = sesame_translation_get_for_language (language, error)))
    return NULL;

  host_name = sesame_plan_get_host_name (plan);
  self->title = g_strdup_printf (T (self, "Port forwarding checklist for %s (%s)"),
                                 host_name ? host_name : T (self, "the server"),
                                 sesame_plan_get_host_address (plan));

  services = sesame_plan_get_services (plan);
  for (guint i = 0; services[i] != NULL; i++)
    {
      const SesameService *service = sesame_catalog_lookup_service (catalog, services[i]);
      const char *name = T (self, service->name);

      for (guint p = 0; p < service->ports->len; p++)
        {
          const SesameServicePort *port = g_ptr_array_index (service->ports, p);
          GArray *target;

          if (port->exposure == SESAME_EXPOSURE_LAN)
            target = lan_items;
          else if (port->exposure == SESAME_EXPOSURE_OUTBOUND)
            target = outbound_items;
          else if (service->risk == SESAME_RISK_DANGEROUS)
            target = blocked_items;
          else
            target = forward_items;

          add_item (target, port->protocol, &port->range, &port->range, service->id, name);
        }

      build_service_warnings (self, service);
    }

  rules = sesame_plan_get_custom_rules (plan);
  for (guint i = 0; i < rules->len; i++)
    {
      const SesameCustomRule *rule = g_ptr_array_index (rules, i);
      char *id = g_strconcat ("custom:", rule->name, NULL);

      g_ptr_array_add (custom_ids, id);

      if (rule->protocol != SESAME_RULE_PROTOCOL_UDP)
        add_item (forward_items, SESAME_PROTOCOL_TCP, &rule->external, &rule->internal, id, rule->name);
      if (rule->protocol != SESAME_RULE_PROTOCOL_TCP)
        add_item (forward_items, SESAME_PROTOCOL_UDP, &rule->external, &rule->internal, id, rule->name);
    }

  drop_lan_ports_from_items (self, forward_items, lan_items);
  merge_forwards (self, forward_items, self->router->port_ranges != SESAME_SUPPORT_NO,
                  sesame_plan_get_host_address (plan));
  if (self->router->port_ranges == SESAME_SUPPORT_NO)
    expand_forwards (self);
  merge_groups (lan_items, self->lan_only);
  merge_groups (outbound_items, self->outbound_only);
  merge_groups (blocked_items, self->not_forwarded);

  build_port_set (self);
  build_connection_warnings (self);
  build_address_warnings (self);
  build_router_section (self);
  build_firewall (self);
  build_verify_steps (self);

  /* Stable: the most serious first, otherwise in the order found */
  g_ptr_array_sort (self->warnings, compare_warnings);

  if (self->plan_findings->len > 0)
    sesame_checklist_set_findings (self, NULL);

  return g_steal_pointer (&self);
}

SesameTranslation *
sesame_checklist_get_translation (SesameChecklist *self)
{
  g_return_val_if_fail (SESAME_IS_CHECKLIST (self), NULL);
  return self->translation;
}

const char *
sesame_checklist_get_language (SesameChecklist *self)
{
  g_return_val_if_fail (SESAME_IS_CHECKLIST (self), NULL);
  return sesame_translation_get_language (self->translation);
}

SesamePlan *
sesame_checklist_get_plan (SesameChecklist *self)
{
  g_return_val_if_fail (SESAME_IS_CHECKLIST (self), NULL);
  return self->plan;
}

const SesameRouter *
sesame_checklist_get_router (SesameChecklist *self)
{
  g_return_val_if_fail (SESAME_IS_CHECKLIST (self), NULL);
  return self->router;
}

#define DEFINE_GETTER(type, name)                                  \
  type                                                             \
  sesame_checklist_get_##name (SesameChecklist *self)              \
  {                                                                \
    g_return_val_if_fail (SESAME_IS_CHECKLIST (self), NULL);       \
    return self->name;                                             \
  }

DEFINE_GETTER (const char *, title)
DEFINE_GETTER (const char *, router_name)
DEFINE_GETTER (const char *, router_page)
DEFINE_GETTER (const char *, router_menu_path)
DEFINE_GETTER (const char *, admin_url)
DEFINE_GETTER (const char *, firewall_title)
DEFINE_GETTER (GPtrArray *, router_steps)
DEFINE_GETTER (GPtrArray *, forwards)
DEFINE_GETTER (GPtrArray *, lan_only)
DEFINE_GETTER (GPtrArray *, outbound_only)
DEFINE_GETTER (GPtrArray *, not_forwarded)
DEFINE_GETTER (GPtrArray *, firewall_steps)
DEFINE_GETTER (GPtrArray *, verify_steps)
DEFINE_GETTER (GPtrArray *, warnings)
DEFINE_GETTER (GPtrArray *, conflicts)

SESAME_DEFINE_ENUM_STRINGS (SesameSeverity, sesame_severity, SESAME_TYPE_SEVERITY)

const char *
sesame_checklist_get_connection_label (SesameChecklist *self)
{
  g_return_val_if_fail (SESAME_IS_CHECKLIST (self), NULL);

  switch (sesame_plan_get_connection (self->plan))
    {
    case SESAME_CONNECTION_PPPOE: return T (self, "PPPoE");
    case SESAME_CONNECTION_DHCP: return T (self, "Automatic address from the provider (DHCP)");
    case SESAME_CONNECTION_STATIC: return T (self, "Fixed address from the provider");
    case SESAME_CONNECTION_MAP_E: return T (self, "IPv4 over IPv6 (MAP-E)");
    case SESAME_CONNECTION_DS_LITE: return T (self, "IPv4 over IPv6 (DS-Lite)");
    case SESAME_CONNECTION_UNKNOWN:
    default: return T (self, "Not known");
    }
}

/* The server's own ports, as every forwarding row leads to them: over IPv6
 * nothing is translated, the firewall lets them in as they are */
static char *
ipv6_port_list (SesameChecklist *self)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < self->forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (self->forwards, i);
      g_autofree char *ports = sesame_checklist_format_ports (self, &forward->internal);

      g_ptr_array_add (items, g_strdup_printf ("%s %s", sesame_checklist_format_protocol (self, forward->protocol), ports));
    }

  return sesame_checklist_join_names (self, items);
}

static void
build_ipv6_steps (SesameChecklist *self)
{
  const char *language = sesame_checklist_get_language (self);
  const SesameRouter *router = self->router;
  const char * const *path;
  g_autofree char *joined = NULL;
  g_autofree char *ports = NULL;
  const char *page;

  g_clear_pointer (&self->ipv6_steps, g_ptr_array_unref);
  if (self->ipv6_address == NULL || self->forwards->len == 0)
    return;

  self->ipv6_steps = g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_step_free);
  ports = ipv6_port_list (self);

  /* A router the catalog knows nothing of IPv6 about: the general words */
  if (router == NULL || sesame_router_get_ipv6_filter_path (router, language) == NULL)
    router = sesame_catalog_lookup_router (self->catalog, "generic");

  if (router != NULL && (path = sesame_router_get_ipv6_filter_path (router, language)) != NULL)
    {
      joined = g_strjoinv (" > ", (char **) path);
      page = sesame_text_get (&router->ipv6_filter_page, language);
      add_step (self->ipv6_steps,
                /* Translators: "On the router, open IPv6パケットフィルタ設定 (詳細設定 > IPv6パケットフィルタ設定)
                 * and let in connections from the internet to 240b:10::5 on TCP 80 and UDP 16384-16403." */
                g_strdup_printf (T (self, "On the router, open “%s” (%s) and let in connections from the internet to %s on %s. Nothing is forwarded: over IPv6 the server has an address of its own, and the router’s IPv6 firewall turns away every connection it was not told to let in."),
                                 page, joined, self->ipv6_address, ports),
                NULL);
      if (router->ipv6_filter_uncertain)
        add_step (self->ipv6_steps,
                  g_strdup (T (self, "Sesame could not confirm the name of this page or the way to it on this router: look for the IPv6 firewall, IPv6 filter or IPv6 security settings.")),
                  NULL);
    }

  switch (sesame_plan_get_host_os (self->plan))
    {
    case SESAME_HOST_OS_LINUX_UFW:
      add_step (self->ipv6_steps,
                g_strdup (T (self, "This computer’s firewall: ufw applies the rules above to IPv6 only when /etc/default/ufw says IPV6=yes (the default). Check it:")),
                "grep '^IPV6=' /etc/default/ufw");
      break;

    case SESAME_HOST_OS_MACOS:
    case SESAME_HOST_OS_LINUX_FIREWALLD:
    case SESAME_HOST_OS_LINUX_NFTABLES:
    case SESAME_HOST_OS_WINDOWS:
    default:
      add_step (self->ipv6_steps,
                g_strdup (T (self, "This computer’s firewall: the rules above apply to IPv6 as well; there is nothing more to add.")),
                NULL);
      break;
    }

  add_step (self->ipv6_steps,
            /* Translators: %s is an IPv6 address */
            g_strdup_printf (T (self, "Publish %s in the AAAA record of the server’s name, at your DNS or dynamic DNS service: it is this computer’s stable IPv6 address."),
                             self->ipv6_address),
            NULL);
  add_step (self->ipv6_steps,
            g_strdup (T (self, "Never publish a temporary IPv6 address: the computer makes those up for privacy when it connects out and replaces them every day or so, so the name would soon lead nowhere. If the provider changes the line’s prefix, the stable address changes too: a dynamic DNS client that updates the AAAA record keeps the name right.")),
            NULL);
}

/**
 * sesame_checklist_set_ipv6_address:
 * @self: a checklist
 * @address: (nullable): the server's stable global IPv6 address (from the
 *   probe report: sesame_ipv6_addresses_pick_stable()), or %NULL
 *
 * With an address the checklist adds "Reach it over IPv6": the router's
 * IPv6 firewall in its own words, the host firewall where IPv6 differs,
 * and the address to publish.
 */
void
sesame_checklist_set_ipv6_address (SesameChecklist *self,
                                   const char      *address)
{
  g_return_if_fail (SESAME_IS_CHECKLIST (self));

  g_free (self->ipv6_address);
  self->ipv6_address = g_strdup (address);
  build_ipv6_steps (self);
}

const char *
sesame_checklist_get_ipv6_address (SesameChecklist *self)
{
  g_return_val_if_fail (SESAME_IS_CHECKLIST (self), NULL);

  return self->ipv6_address;
}

/**
 * sesame_checklist_get_ipv6_steps:
 *
 * Returns: (nullable) (transfer none) (element-type SesameStep): the steps
 *   of "Reach it over IPv6"; %NULL without a stable IPv6 address or rows
 */
GPtrArray *
sesame_checklist_get_ipv6_steps (SesameChecklist *self)
{
  g_return_val_if_fail (SESAME_IS_CHECKLIST (self), NULL);

  return self->ipv6_steps;
}

/**
 * sesame_checklist_set_findings:
 * @self: a checklist
 * @findings: (element-type SesameFinding) (nullable): what the probe results
 *   mean for this plan (sesame_findings_new()), blockers first; %NULL for
 *   a checklist without probe results
 *
 * The writers put the findings first and mark each forwarding row that
 * cannot work (sesame_checklist_forward_works()).
 */
void
sesame_checklist_set_findings (SesameChecklist *self,
                               GPtrArray       *findings)
{
  g_return_if_fail (SESAME_IS_CHECKLIST (self));

  if (findings != NULL)
    g_ptr_array_ref (findings);
  g_clear_pointer (&self->findings, g_ptr_array_unref);
  self->findings = findings;

  /* What the plan alone says comes with the probes' findings, or alone
   * without them; a probe finding the plan already made is not repeated,
   * nor the probes' general MAP-E one once the port set is known */
  if (self->plan_findings->len > 0)
    {
      GPtrArray *merged = g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_finding_free);

      for (guint i = 0; i < self->plan_findings->len; i++)
        g_ptr_array_add (merged, finding_copy (g_ptr_array_index (self->plan_findings, i)));

      for (guint i = 0; findings != NULL && i < findings->len; i++)
        {
          const SesameFinding *finding = g_ptr_array_index (findings, i);

          if (sesame_findings_lookup (self->plan_findings, finding->id) != NULL ||
              (self->portset != NULL && g_str_equal (finding->id, "map-e")))
            continue;
          g_ptr_array_add (merged, finding_copy (finding));
        }

      sesame_findings_sort (merged);
      g_clear_pointer (&self->findings, g_ptr_array_unref);
      self->findings = merged;
    }
}

/**
 * sesame_checklist_get_findings:
 *
 * Returns: (nullable) (transfer none) (element-type SesameFinding): the findings, if any
 */
GPtrArray *
sesame_checklist_get_findings (SesameChecklist *self)
{
  g_return_val_if_fail (SESAME_IS_CHECKLIST (self), NULL);

  return self->findings;
}

/**
 * sesame_checklist_forward_works:
 * @self: a checklist
 * @forward: one of its forwarding rows
 * @because: (element-type utf8) (nullable): where to add the ids of the
 *   findings that decide it
 *
 * Returns: whether @forward can make its services reachable, as the
 *   findings say; %SESAME_WORKS_UNKNOWN without findings
 */
SesameWorks
sesame_checklist_forward_works (SesameChecklist     *self,
                                const SesameForward *forward,
                                GPtrArray           *because)
{
  g_return_val_if_fail (SESAME_IS_CHECKLIST (self), SESAME_WORKS_UNKNOWN);
  g_return_val_if_fail (forward != NULL, SESAME_WORKS_UNKNOWN);

  return sesame_findings_row_works (self->findings, forward->protocol, &forward->external,
                                    &forward->internal, because);
}

/**
 * sesame_checklist_get_server_label:
 *
 * Returns: (transfer full): the server as the checklist names it: "Mac mini, 192.168.11.5 (macOS)"
 */
char *
sesame_checklist_get_server_label (SesameChecklist *self)
{
  const char *name;

  g_return_val_if_fail (SESAME_IS_CHECKLIST (self), NULL);

  name = sesame_plan_get_host_name (self->plan);

  if (name != NULL)
    /* Translators: the server's name, address and system: "Mac mini, 192.168.11.5 (macOS)" */
    return g_strdup_printf (T (self, "%s, %s (%s)"), name, sesame_plan_get_host_address (self->plan),
                            sesame_checklist_get_host_os_label (self));

  /* Translators: the server's address and system: "192.168.11.5 (macOS)" */
  return g_strdup_printf (T (self, "%s (%s)"), sesame_plan_get_host_address (self->plan),
                          sesame_checklist_get_host_os_label (self));
}

const char *
sesame_checklist_get_host_os_label (SesameChecklist *self)
{
  g_return_val_if_fail (SESAME_IS_CHECKLIST (self), NULL);

  switch (sesame_plan_get_host_os (self->plan))
    {
    case SESAME_HOST_OS_MACOS: return T (self, "macOS");
    case SESAME_HOST_OS_LINUX_UFW: return T (self, "Linux with ufw");
    case SESAME_HOST_OS_LINUX_FIREWALLD: return T (self, "Linux with firewalld");
    case SESAME_HOST_OS_LINUX_NFTABLES: return T (self, "Linux with nftables");
    case SESAME_HOST_OS_WINDOWS:
    default: return T (self, "Windows");
    }
}
