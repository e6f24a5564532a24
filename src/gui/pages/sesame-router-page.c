/* sesame-router-page.c
 *
 * The router from the catalog, searchable and grouped by vendor, and how
 * the home connects to the internet. The router the network checks find
 * (by UPnP, or by the gateway's factory address) is chosen for the person
 * until they choose one themselves; their own choice is never replaced.
 *
 * Over 1,000 lines because the router list, its search and the connection
 * type proposed from the checks all follow the same session and plan.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-router-page"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sesame-address.h"
#include "sesame-gui.h"
#include "sesame-router-page.h"

#define GENERIC_ROUTER_ID "generic"

typedef enum
{
  ROUTER_NOT_CHOSEN,
  ROUTER_PRESELECTED,   /* chosen by Sesame from what the checks found */
  ROUTER_CHOSEN,        /* chosen by the person, or in the plan they opened */
} RouterState;

typedef enum
{
  DETECTED_NONE,
  DETECTED_GATEWAY,     /* the gateway has one router's factory address */
  DETECTED_UPNP,        /* the router described itself */
} DetectedHow;

/* One row of the router list */
typedef struct
{
  const SesameRouter *router;     /* owned by the catalog */
  guint               position;   /* in the catalog */
  char               *haystack;   /* vendor and model in both languages, folded */
  GtkWidget          *row;        /* owned by the list */
  GtkCheckButton     *check;      /* owned by the row */
} RouterEntry;

static const struct
{
  SesameConnection  connection;
  const char       *title;
  const char       *subtitle;
} connection_types[] = {
  { SESAME_CONNECTION_PPPOE,
    N_("PPPoE"),
    N_("Your router signs in to the provider with a user name and password, so any port can be opened.") },
  { SESAME_CONNECTION_DHCP,
    N_("Automatic address from the provider (DHCP)"),
    N_("Your router gets its address from the provider without signing in, so any port can be opened unless the provider shares that address with other customers.") },
  { SESAME_CONNECTION_STATIC,
    N_("Fixed address from the provider"),
    N_("Your provider gave you a fixed IP address to enter in the router, so any port can be opened.") },
  { SESAME_CONNECTION_MAP_E,
    N_("IPv4 over IPv6 (MAP-E)"),
    N_("With v6プラス, OCN バーチャルコネクト, IPv6オプション and similar services only a limited set of ports is yours to open, and the checklist tells you how to find them.") },
  { SESAME_CONNECTION_DS_LITE,
    N_("IPv4 over IPv6 (DS-Lite)"),
    N_("With transix, クロスパス and similar services you cannot open ports for incoming connections over IPv4 at all; the checklist shows what to do instead.") },
  { SESAME_CONNECTION_UNKNOWN,
    N_("I don’t know"),
    N_("The checklist assumes ports can be opened as usual, and the network checks show whether they can be reached from outside.") },
};

struct _SesameRouterPage
{
  SesamePage            parent_instance;

  /* template widgets */
  AdwPreferencesGroup  *detected_group;
  AdwActionRow         *detected_row;
  GtkWidget            *detected_check;
  GtkWidget            *use_button;
  GtkSearchEntry       *search_entry;
  GtkLabel             *empty_label;
  GtkListBox           *router_list;
  GtkListBox           *other_list;
  AdwPreferencesGroup  *connection_group;
  GtkLabel             *intro_label;
  GtkLabel             *routers_title;

  GPtrArray            *entries;      /* element-type RouterEntry, in list order */
  GHashTable           *entries_by_id;  /* router id → RouterEntry, unowned */
  GtkCheckButton       *connection_checks[G_N_ELEMENTS (connection_types)];
  GStrv                 query;        /* folded words of the search, nullable */

  RouterState           router_state;
  gboolean              connection_chosen;
  gboolean              connection_proposed; /* chosen by Sesame from the checks, not by the person */
  const SesameRouter   *detected;     /* nullable, owned by the catalog */
  DetectedHow           detected_how;
  char                 *detected_as;  /* nullable: the name the router gave itself */
  guint                 scroll_tick;  /* until the chosen router is scrolled to */
  guint                 scroll_frames;
  gboolean              syncing;      /* setting widgets from the plan */
  gboolean              writing;      /* setting the plan from widgets */
  gboolean              replacing;    /* the person replaced the router of their plan */
};

G_DEFINE_FINAL_TYPE (SesameRouterPage, sesame_router_page, SESAME_TYPE_PAGE)

static void sync_router_checks (SesameRouterPage *self);
static void sync_connection_checks (SesameRouterPage *self);

/* The connection group's own words (ui/sesame-router-page.ui), back when
 * the person chooses over Sesame's proposal */
static const char connection_intro[] =
  N_("Your contract with the internet provider or the router’s status page names the type. It decides whether ports can be opened at all.");

/* Text for matching: compatibility forms (full-width letters, half-width
 * katakana) made plain, case folded, hiragana as katakana, and only letters
 * and digits kept, so that "tp link", "TP-Link" and "ｔｐｌｉｎｋ" are alike */
static char *
fold_text (const char *text)
{
  g_autofree char *normalized = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  g_autofree char *folded = g_utf8_casefold (normalized, -1);
  GString *result = g_string_new (NULL);

  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c >= 0x3041 && c <= 0x3096) || c == 0x309D || c == 0x309E)
        c += 0x60;

      if (g_unichar_isalnum (c) || g_unichar_ismark (c))
        g_string_append_unichar (result, c);
    }

  return g_string_free (result, FALSE);
}

static void
router_entry_free (gpointer data)
{
  RouterEntry *entry = data;

  g_free (entry->haystack);
  g_free (entry);
}

static gboolean
is_generic (const RouterEntry *entry)
{
  return g_str_equal (entry->router->id, GENERIC_ROUTER_ID);
}

static RouterEntry *
row_get_entry (GtkListBoxRow *row)
{
  return g_object_get_data (G_OBJECT (row), "sesame-router-entry");
}

static void
update_complete (SesameRouterPage *self)
{
  sesame_page_set_complete (SESAME_PAGE (self),
                            self->router_state != ROUTER_NOT_CHOSEN && self->connection_chosen);
}

static void
set_plan_router (SesameRouterPage *self,
                 const char       *router_id)
{
  self->writing = TRUE;
  sesame_plan_set_router_id (sesame_page_get_plan (SESAME_PAGE (self)), router_id);
  self->writing = FALSE;
}

static void
set_plan_connection (SesameRouterPage *self,
                     SesameConnection  connection)
{
  self->writing = TRUE;
  sesame_plan_set_connection (sesame_page_get_plan (SESAME_PAGE (self)), connection);
  self->writing = FALSE;
}

/* The page scrolls by itself to a router the person did not click on
 * (from the plan, or detected), once it has been laid out, when it is
 * not in sight already */
static gboolean
scroll_to_chosen_cb (GtkWidget     *widget,
                     GdkFrameClock *frame_clock,
                     gpointer       user_data)
{
  SesameRouterPage *self = SESAME_ROUTER_PAGE (widget);
  const char *id = sesame_plan_get_router_id (sesame_page_get_plan (SESAME_PAGE (self)));
  RouterEntry *entry = g_hash_table_lookup (self->entries_by_id, id);
  /* The page's own scrolled window, the template's child */
  GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (self->router_list), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  GtkWidget *viewport = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));
  GtkWidget *header;
  graphene_point_t top;
  graphene_point_t bottom;

  if (gtk_widget_get_height (GTK_WIDGET (self->router_list)) == 0 && ++self->scroll_frames < 10)
    return G_SOURCE_CONTINUE;

  self->scroll_tick = 0;

  if (entry == NULL || !gtk_widget_get_child_visible (entry->row))
    return G_SOURCE_REMOVE;

  /* Under its vendor's name; the adjustment keeps it in range */
  header = gtk_list_box_row_get_header (GTK_LIST_BOX_ROW (entry->row));
  if (header == NULL)
    header = entry->row;
  if (!gtk_widget_compute_point (header, viewport,
                                 &GRAPHENE_POINT_INIT (0, -gtk_widget_get_margin_top (header)), &top) ||
      !gtk_widget_compute_point (entry->row, viewport,
                                 &GRAPHENE_POINT_INIT (0, gtk_widget_get_height (entry->row)), &bottom))
    return G_SOURCE_REMOVE;

  if (top.y < 0 || bottom.y > gtk_adjustment_get_page_size (adjustment))
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + top.y);

  return G_SOURCE_REMOVE;
}

static void
scroll_to_chosen (SesameRouterPage *self)
{
  if (self->router_state == ROUTER_NOT_CHOSEN || self->scroll_tick != 0)
    return;

  self->scroll_frames = 0;
  self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_to_chosen_cb, NULL, NULL);
}

/* Detection */

static void
update_detected (SesameRouterPage *self)
{
  const char *chosen_id = sesame_plan_get_router_id (sesame_page_get_plan (SESAME_PAGE (self)));
  gboolean known = self->detected != NULL;
  gboolean selected;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  if (!known && self->detected_as == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->detected_group), FALSE);
      return;
    }

  selected = known &&
             self->router_state != ROUTER_NOT_CHOSEN &&
             g_strcmp0 (chosen_id, self->detected->id) == 0;

  if (!known)
    {
      title = g_strdup (self->detected_as);
      subtitle = g_strdup (_("Sesame does not know this model. Choose it below if it is listed under another name, or choose “I don’t know my router”."));
    }
  else if (self->detected_how == DETECTED_UPNP && self->detected_as != NULL)
    {
      title = sesame_gui_dup_router_name (self->detected);
      /* Translators: %s is the name the router gives itself on the network, e.g. "BUFFALO WSR-1800AX4" */
      subtitle = g_strdup_printf (_("Your router answered as “%s”."), self->detected_as);
    }
  else if (self->detected_how == DETECTED_UPNP)
    {
      title = sesame_gui_dup_router_name (self->detected);
      subtitle = g_strdup (_("Your router described itself on the network."));
    }
  else
    {
      const SesameProbeReport *report = sesame_probe_session_get_report (sesame_page_get_session (SESAME_PAGE (self)));

      title = sesame_gui_dup_router_name (self->detected);
      /* Translators: %s is an address such as 192.168.11.1 */
      subtitle = g_strdup_printf (_("Probably your router: your network uses %s, the address this router has when new."),
                                  report != NULL && report->gateway != NULL ? report->gateway : self->detected->lan_address);
    }

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->detected_row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->detected_row), title);
  adw_action_row_set_subtitle (self->detected_row, subtitle);

  gtk_widget_set_visible (self->detected_check, selected);
  gtk_widget_set_visible (self->use_button, known && !selected);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self->detected_row), known && !selected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "router.use-detected", known && !selected);

  if (selected && self->router_state == ROUTER_PRESELECTED)
    adw_preferences_group_set_description (self->detected_group,
                                           _("Sesame has chosen it for you below. If it is not your router, choose yours from the list."));
  else
    adw_preferences_group_set_description (self->detected_group, NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->detected_group), TRUE);
}

/* The catalog router with @address as its factory address, when exactly one has it */
static const SesameRouter *
lookup_router_by_address (SesameRouterPage *self,
                          const char       *address)
{
  const SesameRouter *found = NULL;

  for (guint i = 0; i < self->entries->len; i++)
    {
      const RouterEntry *entry = g_ptr_array_index (self->entries, i);

      if (is_generic (entry) || g_strcmp0 (entry->router->lan_address, address) != 0)
        continue;
      if (found != NULL)
        return NULL;
      found = entry->router;
    }

  return found;
}

/* The connection the line's IPv6 address gives (MAP-E, DS-Lite), with the
 * reason, for a person who has not chosen one; never over their choice */
static void
propose_connection (SesameRouterPage        *self,
                    const SesameProbeReport *report)
{
  SesamePlan *plan = sesame_page_get_plan (SESAME_PAGE (self));
  const SesamePortset *transition = report->transition;
  const char *address = report->ipv6_address;
  SesameConnection connection;
  g_autofree char *reason = NULL;

  if (transition == NULL || (self->connection_chosen && !self->connection_proposed))
    return;

  if (address == NULL && report->ipv6_addresses->len > 0)
    address = ((const SesameIpv6Address *) g_ptr_array_index (report->ipv6_addresses, 0))->address;

  /* What the internet sees says IPv4 goes another way: no proposal */
  if (transition->method == SESAME_TRANSITION_MAP_E && report->transition_agrees != SESAME_TRISTATE_NO)
    {
      connection = SESAME_CONNECTION_MAP_E;
      if (transition->rule_known)
        {
          g_autofree char *ipv4 = sesame_portset_ipv4_to_string (transition);

          /* Translators: "… address 240b:10::5: it belongs to v6プラス (JPIX), which shares
           * the IPv4 address 106.72.18.52 among several lines and gives this one 240 ports." */
          reason = g_strdup_printf (_("Sesame chose IPv4 over IPv6 (MAP-E) from this computer’s IPv6 address %s: it belongs to %s, which shares the IPv4 address %s among several lines and gives this one %u ports. Choose another if you know better."),
                                    address, transition->provider, ipv4, transition->port_count);
        }
      else
        reason = g_strdup_printf (_("Sesame chose IPv4 over IPv6 (MAP-E) from this computer’s IPv6 address %s, which belongs to %s. Choose another if you know better."),
                                  address, transition->provider);

      /* The checklist moves the forwarding rows into the line's port set */
      if (transition->rule_known && sesame_plan_get_ipv6_prefix (plan) == NULL)
        {
          SesameIpv6Prefix prefix;

          if (sesame_ipv6_prefix_parse (address, &prefix))
            {
              g_autofree char *text = NULL;

              memset (prefix.bytes + 8, 0, 8);
              prefix.length = 64;
              text = sesame_ipv6_prefix_to_string (&prefix);
              sesame_plan_set_ipv6_prefix (plan, text);
            }
        }
    }
  else if (transition->method == SESAME_TRANSITION_DS_LITE)
    {
      connection = SESAME_CONNECTION_DS_LITE;
      reason = g_strdup_printf (_("Sesame chose IPv4 over IPv6 (DS-Lite) from this computer’s IPv6 address %s, which belongs to %s. Choose another if you know better."),
                                address, transition->provider);
    }
  else
    return;

  set_plan_connection (self, connection);
  self->connection_chosen = TRUE;
  self->connection_proposed = TRUE;
  adw_preferences_group_set_description (self->connection_group, reason);
  sync_connection_checks (self);
  update_complete (self);
}

static void
apply_report (SesameRouterPage *self)
{
  SesamePlan *plan = sesame_page_get_plan (SESAME_PAGE (self));
  SesameCatalog *catalog = sesame_page_get_catalog (SESAME_PAGE (self));
  const SesameProbeReport *report;
  const SesameRouter *found = NULL;
  DetectedHow how = DETECTED_NONE;
  guint32 gateway;

  report = sesame_probe_session_get_report (sesame_page_get_session (SESAME_PAGE (self)));
  if (report == NULL)
    return;

  propose_connection (self, report);

  /* The checklist opens the admin page at the router's own address */
  if (sesame_plan_get_router_address (plan) == NULL &&
      sesame_ipv4_parse (report->gateway, &gateway) &&
      sesame_ipv4_classify (gateway) == SESAME_IPV4_PRIVATE)
    sesame_plan_set_router_address (plan, report->gateway);

  if (report->upnp_found)
    {
      if (report->upnp_catalog_id != NULL &&
          !g_str_equal (report->upnp_catalog_id, GENERIC_ROUTER_ID))
        found = sesame_catalog_lookup_router (catalog, report->upnp_catalog_id);
      how = DETECTED_UPNP;

      g_clear_pointer (&self->detected_as, g_free);
      if (report->upnp_manufacturer != NULL && report->upnp_model != NULL)
        self->detected_as = g_strdup_printf ("%s %s", report->upnp_manufacturer, report->upnp_model);
      else if (report->upnp_model != NULL)
        self->detected_as = g_strdup (report->upnp_model);
      else if (report->upnp_friendly_name != NULL)
        self->detected_as = g_strdup (report->upnp_friendly_name);
    }
  else if (report->gateway != NULL && self->detected_how != DETECTED_UPNP)
    {
      /* The factory address is a guess: it never replaces what the router
       * said of itself (a new run's partial report has no UPnP answer yet) */
      found = lookup_router_by_address (self, report->gateway);
      how = found != NULL ? DETECTED_GATEWAY : DETECTED_NONE;
    }
  else
    {
      return;
    }

  if (how == DETECTED_NONE && self->detected_how != DETECTED_NONE)
    return;

  self->detected = found;
  self->detected_how = how;

  if (found != NULL &&
      self->router_state != ROUTER_CHOSEN &&
      g_strcmp0 (sesame_plan_get_router_id (plan), found->id) != 0)
    {
      g_debug ("Preselecting the detected router %s", found->id);
      set_plan_router (self, found->id);
      self->router_state = ROUTER_PRESELECTED;
      scroll_to_chosen (self);
    }

  sync_router_checks (self);
  update_detected (self);
  update_complete (self);
}

static void
on_session_updated (SesameRouterPage *self,
                    const char       *section)
{
  if (g_strcmp0 (section, "router") == 0 || g_strcmp0 (section, "local") == 0)
    apply_report (self);
}

static void
use_detected_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  SesameRouterPage *self = SESAME_ROUTER_PAGE (widget);
  RouterEntry *entry;

  if (self->detected == NULL)
    return;

  entry = g_hash_table_lookup (self->entries_by_id, self->detected->id);
  gtk_check_button_set_active (entry->check, TRUE);
  gtk_widget_grab_focus (entry->row);
}

/* From the plan to the widgets */

static void
sync_router_checks (SesameRouterPage *self)
{
  const char *id = sesame_plan_get_router_id (sesame_page_get_plan (SESAME_PAGE (self)));
  RouterEntry *chosen = NULL;

  if (self->router_state != ROUTER_NOT_CHOSEN)
    chosen = g_hash_table_lookup (self->entries_by_id, id);

  self->syncing = TRUE;
  for (guint i = 0; i < self->entries->len; i++)
    {
      RouterEntry *entry = g_ptr_array_index (self->entries, i);

      gtk_check_button_set_active (entry->check, entry == chosen);
    }
  self->syncing = FALSE;
}

static void
sync_connection_checks (SesameRouterPage *self)
{
  SesameConnection connection = sesame_plan_get_connection (sesame_page_get_plan (SESAME_PAGE (self)));

  self->syncing = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (connection_types); i++)
    gtk_check_button_set_active (self->connection_checks[i],
                                 self->connection_chosen &&
                                 connection_types[i].connection == connection);
  self->syncing = FALSE;
}

static void
on_plan_router_changed (SesameRouterPage *self)
{
  if (self->writing)
    return;

  /* Someone else set it, such as a plan opened from a file */
  self->router_state = ROUTER_CHOSEN;
  sync_router_checks (self);
  scroll_to_chosen (self);
  update_detected (self);
  update_complete (self);
}

static void
on_plan_connection_changed (SesameRouterPage *self)
{
  if (self->writing)
    return;

  self->connection_chosen = TRUE;
  self->connection_proposed = FALSE;
  sync_connection_checks (self);
  update_complete (self);
}

/* From the widgets to the plan */

static void
on_router_toggled (SesameRouterPage *self,
                   GtkCheckButton   *check)
{
  RouterEntry *entry;

  if (self->syncing || !gtk_check_button_get_active (check))
    return;

  entry = g_object_get_data (G_OBJECT (check), "sesame-router-entry");
  set_plan_router (self, entry->router->id);
  self->router_state = ROUTER_CHOSEN;
  update_detected (self);
  update_complete (self);
}

/* Clicking the router Sesame chose confirms it */
static void
on_router_row_activated (SesameRouterPage *self,
                         AdwActionRow     *row)
{
  RouterEntry *entry = row_get_entry (GTK_LIST_BOX_ROW (row));

  if (self->router_state == ROUTER_PRESELECTED && gtk_check_button_get_active (entry->check))
    {
      self->router_state = ROUTER_CHOSEN;
      update_detected (self);
    }
}

static void
on_connection_toggled (SesameRouterPage *self,
                       GtkCheckButton   *check)
{
  guint index;

  if (self->syncing || !gtk_check_button_get_active (check))
    return;

  index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "sesame-connection-index"));
  g_assert (index < G_N_ELEMENTS (connection_types));

  set_plan_connection (self, connection_types[index].connection);
  self->connection_chosen = TRUE;
  /* The person's choice now: Sesame's reason no longer stands */
  if (self->connection_proposed)
    adw_preferences_group_set_description (self->connection_group, _(connection_intro));
  self->connection_proposed = FALSE;
  update_complete (self);
}

/* Search */

static gboolean
entry_matches (SesameRouterPage  *self,
               const RouterEntry *entry)
{
  if (self->query == NULL)
    return TRUE;

  for (guint i = 0; self->query[i] != NULL; i++)
    if (strstr (entry->haystack, self->query[i]) == NULL)
      return FALSE;

  return TRUE;
}

static gboolean
filter_row (GtkListBoxRow *row,
            gpointer       user_data)
{
  SesameRouterPage *self = user_data;

  return entry_matches (self, row_get_entry (row));
}

static void
update_header (GtkListBoxRow *row,
               GtkListBoxRow *before,
               gpointer       user_data)
{
  RouterEntry *entry = row_get_entry (row);
  RouterEntry *before_entry = before != NULL ? row_get_entry (before) : NULL;
  const char *vendor = sesame_text_get (&entry->router->vendor, sesame_gui_get_ui_language ());
  GtkWidget *header;

  if (before_entry != NULL &&
      g_str_equal (before_entry->router->vendor.en, entry->router->vendor.en))
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  header = gtk_list_box_row_get_header (row);
  if (GTK_IS_LABEL (header))
    {
      gtk_label_set_text (GTK_LABEL (header), vendor);
      return;
    }

  header = gtk_label_new (vendor);
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_label_set_wrap (GTK_LABEL (header), TRUE);
  gtk_widget_set_margin_top (header, 12);
  gtk_widget_set_margin_bottom (header, 6);
  gtk_widget_set_margin_start (header, 12);
  gtk_widget_set_margin_end (header, 12);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "dim-label");
  gtk_list_box_row_set_header (row, header);
}

static RouterEntry *
first_match (SesameRouterPage *self)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      RouterEntry *entry = g_ptr_array_index (self->entries, i);

      if (!is_generic (entry) && entry_matches (self, entry))
        return entry;
    }

  return NULL;
}

static void
on_search_changed (SesameRouterPage *self,
                   GtkSearchEntry   *search_entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (search_entry));
  /* NFKC makes the ideographic space a plain one */
  g_autofree char *normalized = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  g_auto(GStrv) words = g_strsplit_set (normalized, " \t", -1);
  g_autoptr(GStrvBuilder) query = g_strv_builder_new ();
  gboolean empty = TRUE;

  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *folded = fold_text (words[i]);

      if (*folded != '\0')
        {
          g_strv_builder_add (query, folded);
          empty = FALSE;
        }
    }

  g_clear_pointer (&self->query, g_strfreev);
  if (!empty)
    self->query = g_strv_builder_end (query);

  if (self->query != NULL)
    {
      g_autofree char *shown = g_strstrip (g_strdup (text));
      /* Translators: shown when the search finds no router; %s is what the person typed */
      g_autofree char *message = g_strdup_printf (_("No routers match “%s”"), shown);

      /* The list's placeholder, shown when nothing matches */
      gtk_label_set_text (self->empty_label, message);
    }

  gtk_list_box_invalidate_filter (self->router_list);
  gtk_list_box_invalidate_headers (self->router_list);
}

/* Enter chooses the first router found */
static void
on_search_activate (SesameRouterPage *self,
                    GtkSearchEntry   *search_entry)
{
  RouterEntry *entry;

  if (self->query == NULL || (entry = first_match (self)) == NULL)
    return;

  gtk_check_button_set_active (entry->check, TRUE);
  gtk_widget_grab_focus (entry->row);
}

static void
on_search_stop (SesameRouterPage *self,
                GtkSearchEntry   *search_entry)
{
  gtk_editable_set_text (GTK_EDITABLE (search_entry), "");
}

/* Down goes from the search to the first router found */
static gboolean
on_search_key_pressed (SesameRouterPage      *self,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       GtkEventControllerKey *controller)
{
  if ((keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down) &&
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) == 0)
    {
      RouterEntry *entry = first_match (self);

      if (entry == NULL)
        entry = g_hash_table_lookup (self->entries_by_id, GENERIC_ROUTER_ID);
      gtk_widget_grab_focus (entry->row);
      return GDK_EVENT_STOP;
    }

  return GDK_EVENT_PROPAGATE;
}

/* Building the lists */

static int
compare_entries (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  const RouterEntry *entry_a = *(const RouterEntry **) a;
  const RouterEntry *entry_b = *(const RouterEntry **) b;
  gboolean japanese = GPOINTER_TO_INT (user_data);
  int cmp;

  /* In Japanese, the routers common in Japan first, in the catalog's
   * order (most common first); otherwise vendors alphabetically */
  if (japanese)
    {
      if (entry_a->router->japan != entry_b->router->japan)
        return entry_a->router->japan ? -1 : 1;
      if (entry_a->router->japan)
        return (int) entry_a->position - (int) entry_b->position;
    }

  cmp = g_ascii_strcasecmp (entry_a->router->vendor.en, entry_b->router->vendor.en);
  if (cmp != 0)
    return cmp;

  return (int) entry_a->position - (int) entry_b->position;
}

static GtkWidget *
new_radio_row (const char  *title,
               const char  *subtitle,
               GtkCheckButton **check_out)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);

  *check_out = GTK_CHECK_BUTTON (check);
  return row;
}

static void
build_router_list (SesameRouterPage *self)
{
  GPtrArray *routers = sesame_catalog_get_routers (sesame_page_get_catalog (SESAME_PAGE (self)));
  GtkCheckButton *group = NULL;
  gboolean japanese;

  for (guint i = 0; i < routers->len; i++)
    {
      const SesameRouter *router = g_ptr_array_index (routers, i);
      RouterEntry *entry = g_new0 (RouterEntry, 1);
      g_autofree char *all = NULL;

      entry->router = router;
      entry->position = i;
      all = g_strjoin (" ", router->vendor.en, router->vendor.ja, router->model.en, router->model.ja, NULL);
      entry->haystack = fold_text (all);
      g_ptr_array_add (self->entries, entry);
      g_hash_table_insert (self->entries_by_id, router->id, entry);
    }

  japanese = g_str_equal (sesame_gui_get_ui_language (), "ja");
  g_ptr_array_sort_with_data (self->entries, compare_entries, GINT_TO_POINTER (japanese));

  for (guint i = 0; i < self->entries->len; i++)
    {
      RouterEntry *entry = g_ptr_array_index (self->entries, i);

      if (is_generic (entry))
        entry->row = new_radio_row (_("I don’t know my router"),
                                    _("The checklist then uses the names most routers give these settings, such as port forwarding."),
                                    &entry->check);
      else
        entry->row = new_radio_row (sesame_text_get (&entry->router->model, sesame_gui_get_ui_language ()),
                                    NULL,
                                    &entry->check);

      gtk_check_button_set_group (entry->check, group);
      group = entry->check;

      g_object_set_data (G_OBJECT (entry->row), "sesame-router-entry", entry);
      g_object_set_data (G_OBJECT (entry->check), "sesame-router-entry", entry);
      g_signal_connect_object (entry->check, "toggled",
                               G_CALLBACK (on_router_toggled), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (entry->row, "activated",
                               G_CALLBACK (on_router_row_activated), self,
                               G_CONNECT_SWAPPED);
      /* "I don't know my router" stays below the list, whatever the search */
      gtk_list_box_append (is_generic (entry) ? self->other_list : self->router_list, entry->row);
    }

  gtk_list_box_set_filter_func (self->router_list, filter_row, self, NULL);
  gtk_list_box_set_header_func (self->router_list, update_header, NULL, NULL);
}

static void
build_connection_list (SesameRouterPage *self)
{
  GtkCheckButton *group = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (connection_types); i++)
    {
      GtkCheckButton *check;
      GtkWidget *row = new_radio_row (_(connection_types[i].title),
                                      _(connection_types[i].subtitle),
                                      &check);

      gtk_check_button_set_group (check, group);
      group = check;
      self->connection_checks[i] = check;

      g_object_set_data (G_OBJECT (check), "sesame-connection-index", GUINT_TO_POINTER (i));
      g_signal_connect_object (check, "toggled",
                               G_CALLBACK (on_connection_toggled), self,
                               G_CONNECT_SWAPPED);
      adw_preferences_group_add (self->connection_group, row);
    }
}

/* Keyboard: the router list is one Tab stop, on the chosen router when
 * there is one; the arrow keys move inside it (the list's own bindings) */

static gboolean
focus_in_router_list (SesameRouterPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL &&
         (focus == GTK_WIDGET (self->router_list) ||
          gtk_widget_is_ancestor (focus, GTK_WIDGET (self->router_list)));
}

static gboolean
sesame_router_page_focus (GtkWidget        *widget,
                          GtkDirectionType  direction)
{
  SesameRouterPage *self = SESAME_ROUTER_PAGE (widget);
  GtkWidgetClass *parent_class = GTK_WIDGET_CLASS (sesame_router_page_parent_class);
  gboolean tab = direction == GTK_DIR_TAB_FORWARD || direction == GTK_DIR_TAB_BACKWARD;
  gboolean was_in_list = focus_in_router_list (self);
  gboolean moved;

  if (!tab)
    return parent_class->focus (widget, direction);

  /* Tab from inside the list leaves it, rather than going router by router */
  if (was_in_list)
    {
      gtk_widget_set_can_focus (GTK_WIDGET (self->router_list), FALSE);
      moved = parent_class->focus (widget, direction);
      gtk_widget_set_can_focus (GTK_WIDGET (self->router_list), TRUE);
      return moved;
    }

  moved = parent_class->focus (widget, direction);

  /* Tab into the list lands on the chosen router */
  if (moved && focus_in_router_list (self) && self->router_state != ROUTER_NOT_CHOSEN)
    {
      const char *id = sesame_plan_get_router_id (sesame_page_get_plan (SESAME_PAGE (self)));
      RouterEntry *entry = g_hash_table_lookup (self->entries_by_id, id);

      if (entry != NULL && gtk_widget_get_parent (entry->row) == GTK_WIDGET (self->router_list) &&
          gtk_widget_get_child_visible (entry->row))
        gtk_widget_grab_focus (entry->row);
    }

  return moved;
}

/* The page */

static void
sesame_router_page_shown (SesamePage *page)
{
  SesameRouterPage *self = SESAME_ROUTER_PAGE (page);

  sync_router_checks (self);
  sync_connection_checks (self);
  apply_report (self);
  update_detected (self);
  update_complete (self);

  if (self->router_state == ROUTER_NOT_CHOSEN)
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  else
    scroll_to_chosen (self);
}

static void
sesame_router_page_leave (SesamePage *page)
{
  SesameRouterPage *self = SESAME_ROUTER_PAGE (page);

  /* Going on with what Sesame chose is choosing it: later checks must not change it */
  if (self->router_state == ROUTER_PRESELECTED)
    self->router_state = ROUTER_CHOSEN;
}

static void
sesame_router_page_constructed (GObject *object)
{
  SesameRouterPage *self = SESAME_ROUTER_PAGE (object);
  SesamePlan *plan;

  G_OBJECT_CLASS (sesame_router_page_parent_class)->constructed (object);

  plan = sesame_page_get_plan (SESAME_PAGE (self));

  build_router_list (self);
  build_connection_list (self);

  /* A new plan says "generic" and "unknown" before anyone answered. A plan
   * with a router of its own, or a server address (asked after this page,
   * or saved in a file), holds answers already given. */
  if (!g_str_equal (sesame_plan_get_router_id (plan), GENERIC_ROUTER_ID) ||
      sesame_plan_get_host_address (plan) != NULL)
    self->router_state = ROUTER_CHOSEN;
  self->connection_chosen = sesame_plan_get_connection (plan) != SESAME_CONNECTION_UNKNOWN ||
                            sesame_plan_get_host_address (plan) != NULL;

  g_signal_connect_object (plan, "notify::router-id",
                           G_CALLBACK (on_plan_router_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (plan, "notify::connection",
                           G_CALLBACK (on_plan_connection_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (sesame_page_get_session (SESAME_PAGE (self)), "updated",
                           G_CALLBACK (on_session_updated), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (sesame_page_get_session (SESAME_PAGE (self)), "finished",
                           G_CALLBACK (apply_report), self,
                           G_CONNECT_SWAPPED);

  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));

  sync_router_checks (self);
  sync_connection_checks (self);
  apply_report (self);
  update_detected (self);
  update_complete (self);
}

static void
sesame_router_page_dispose (GObject *object)
{
  SesameRouterPage *self = SESAME_ROUTER_PAGE (object);

  if (self->scroll_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->scroll_tick);
  self->scroll_tick = 0;

  gtk_widget_dispose_template (GTK_WIDGET (object), SESAME_TYPE_ROUTER_PAGE);

  G_OBJECT_CLASS (sesame_router_page_parent_class)->dispose (object);
}

static void
sesame_router_page_finalize (GObject *object)
{
  SesameRouterPage *self = SESAME_ROUTER_PAGE (object);

  g_clear_pointer (&self->entries_by_id, g_hash_table_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->query, g_strfreev);
  g_clear_pointer (&self->detected_as, g_free);

  G_OBJECT_CLASS (sesame_router_page_parent_class)->finalize (object);
}

static void
sesame_router_page_class_init (SesameRouterPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SesamePageClass *page_class = SESAME_PAGE_CLASS (klass);

  object_class->constructed = sesame_router_page_constructed;
  object_class->dispose = sesame_router_page_dispose;
  object_class->finalize = sesame_router_page_finalize;

  page_class->shown = sesame_router_page_shown;
  page_class->leave = sesame_router_page_leave;

  widget_class->focus = sesame_router_page_focus;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/sesame-router-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SesameRouterPage, detected_group);
  gtk_widget_class_bind_template_child (widget_class, SesameRouterPage, detected_row);
  gtk_widget_class_bind_template_child (widget_class, SesameRouterPage, detected_check);
  gtk_widget_class_bind_template_child (widget_class, SesameRouterPage, use_button);
  gtk_widget_class_bind_template_child (widget_class, SesameRouterPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SesameRouterPage, empty_label);
  gtk_widget_class_bind_template_child (widget_class, SesameRouterPage, router_list);
  gtk_widget_class_bind_template_child (widget_class, SesameRouterPage, other_list);
  gtk_widget_class_bind_template_child (widget_class, SesameRouterPage, connection_group);
  gtk_widget_class_bind_template_child (widget_class, SesameRouterPage, intro_label);
  gtk_widget_class_bind_template_child (widget_class, SesameRouterPage, routers_title);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stop);
  gtk_widget_class_bind_template_callback (widget_class, on_search_key_pressed);

  gtk_widget_class_install_action (widget_class, "router.use-detected", NULL, use_detected_activated);
}

static void
sesame_router_page_init (SesameRouterPage *self)
{
  self->entries = g_ptr_array_new_with_free_func (router_entry_free);
  self->entries_by_id = g_hash_table_new (g_str_hash, g_str_equal);

  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * sesame_router_page_choose_new:
 * @self: the page
 *
 * The person replaced the router of their plan: the page asks for the new
 * one (the router the checks find is chosen for them again, until they
 * choose), and says that the rest of the plan stays.
 */
void
sesame_router_page_choose_new (SesameRouterPage *self)
{
  g_return_if_fail (SESAME_IS_ROUTER_PAGE (self));

  self->replacing = TRUE;
  self->router_state = ROUTER_NOT_CHOSEN;
  self->detected = NULL;
  self->detected_how = DETECTED_NONE;
  g_clear_pointer (&self->detected_as, g_free);

  gtk_label_set_label (self->intro_label,
                       _("Choose your new router. Your services and the computer that serves stay as they were; the checklist then shows what to set up on the new router."));
  gtk_label_set_label (self->routers_title, _("Your New Router"));

  sync_router_checks (self);
  sync_connection_checks (self);
  update_detected (self);
  update_complete (self);
}
